"""The published site in headless Chromium, served from a sub-path as GitHub Pages would.

Every page: images load and follow the palette, math shows, citations and footnotes
work both ways, nothing is requested from another host, nothing fails, the console
stays clean. Posts also get screenshots, their page weight and an accessibility
check (axe-core) in both palettes. A last test breaks a copy of the site on purpose
to show that the checks catch it.
"""

from __future__ import annotations

import re
import shutil

import pytest
from browser import (
    check_citations,
    check_footnotes,
    check_images,
    check_math,
    open_page,
    scroll_through,
    serve,
    switch_palette,
    without_views,
)
from conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.browser]

POSTS = {"visual-guide": "blog/2024/02/04/visual-guide/", "why-explain": "blog/2024/03/10/why-explain/"}
PAGES = ["", "blog/", "notebooks/shap-explorer/", "tags/", *POSTS.values()]
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
# Bytes as the test server sends them, uncompressed: the interactive views' scripts are 0.9 MB
# of it (264 KB with brotli, as a real host serves them: tests/test_browser_views.py).
MAX_POST_BYTES = 2_200_000
# axe-core rules for images, headings, contrast and the basics of a page.
AXE_RULES = [
    "image-alt",
    "role-img-alt",
    "svg-img-alt",
    "heading-order",
    "empty-heading",
    "page-has-heading-one",
    "color-contrast",
    "document-title",
    "html-has-lang",
    "link-name",
    "image-redundant-alt",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_works_in_both_palettes(browser, site_url, path):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        page.goto(site_url + path, wait_until="load")
        problems = check_images(page, "light") + check_math(page)
        problems += check_citations(page) + check_footnotes(page)
        assert switch_palette(page) == "slate"
        problems += check_images(page, "dark")
        assert switch_palette(page) == "default"
        page.wait_for_load_state("networkidle")
        problems += traffic.problems()
    finally:
        ctx.close()
    assert problems == []


def test_posts_have_what_the_checks_look_at(browser, site_url):
    """The checks above would pass vacuously on empty pages; the posts have each thing."""
    ctx, page, _ = open_page(browser, site_url)
    try:
        counts = {}
        for slug, path in POSTS.items():
            page.goto(site_url + path, wait_until="load")
            counts[slug] = page.evaluate("""() => ({
                figures: document.querySelectorAll('figure.computed-figure').length,
                math: document.querySelectorAll('article math').length,
                citations: document.querySelectorAll('a.citation').length,
                footnotes: document.querySelectorAll('a.footnote-ref').length })""")
    finally:
        ctx.close()
    assert counts["visual-guide"]["math"] >= 5
    assert {k: v for k, v in counts["visual-guide"].items() if k != "math"} == {
        "figures": 3,
        "citations": 3,
        "footnotes": 3,
    }
    assert counts["why-explain"]["figures"] == 3 and counts["why-explain"]["citations"] >= 1


def test_search_finds_a_post_by_a_word_of_its_body(browser, site_url):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        page.goto(site_url, wait_until="networkidle")  # the search worker has fetched the index
        page.locator("input.md-search__input").click()
        page.keyboard.type("imitates", delay=20)  # as a reader types: Material searches on key events
        result = page.locator(".md-search-result__item a").first
        result.wait_for(timeout=10000)
        href = result.get_attribute("href")
        page.wait_for_load_state("networkidle")
        problems = traffic.problems()
    finally:
        ctx.close()
    assert "blog/2024/02/04/visual-guide/" in href
    assert problems == []


def test_provenance_pages_in_both_palettes_accessible_and_linked(browser, site_url):
    """The "How it was made" index, the model's page and a figure's page: axe finds nothing in
    either palette, the chain's boxes link to the pages of their steps, and the code is shown."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    ctx, page, traffic = open_page(browser, site_url)
    problems = []
    try:
        page.goto(site_url + "how-it-was-made/", wait_until="load")
        steps = {a.inner_text(): a.get_attribute("href") for a in page.locator("article table a").all()}
        assert {"dataset", "model", "predictions", "forest", "figure:shap-digit"} <= set(steps)
        for path in (
            "how-it-was-made/",
            "how-it-was-made/" + steps["model"],
            "how-it-was-made/" + steps["figure:shap-digit"],
        ):
            page.goto(site_url + path, wait_until="load")
            assert page.locator("svg.provenance-chain a").count() >= 1, path
            for palette in ("light", "dark"):
                if palette == "dark":
                    switch_palette(page)
                result = axe.run(page, options={"runOnly": {"type": "rule", "values": AXE_RULES}})
                problems += [f"{path} {palette} {v['id']}: {node['target']}" for v in result.response["violations"]
                             for node in v["nodes"]]  # fmt: skip
            switch_palette(page)
        # The model's page: its code is the training code, and its chain leads back to the data.
        page.goto(site_url + "how-it-was-made/" + steps["model"], wait_until="load")
        assert "def train(" in page.locator("article").inner_text()
        page.locator("svg.provenance-chain a", has_text="dataset").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().rstrip("¶") == "dataset"
        page.wait_for_load_state("networkidle")
        problems += traffic.problems()
    finally:
        ctx.close()
    assert problems == []


@pytest.mark.parametrize("slug", sorted(POSTS))
def test_post_weight_screenshots_and_accessibility(browser, site_url, slug, capsys):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    violations = {}
    for viewport, size in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})):
        ctx, page, traffic = open_page(browser, site_url, viewport=size)
        try:
            page.goto(site_url + POSTS[slug], wait_until="load")
            scroll_through(page)
            page.wait_for_load_state("networkidle")
            if viewport == "desktop":
                weight = traffic.transferred
            for palette in ("light", "dark"):
                if palette == "dark":
                    switch_palette(page)
                    scroll_through(page)
                    page.wait_for_load_state("networkidle")
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / f"{slug}-{palette}-{viewport}.png", full_page=True)
                if viewport == "desktop":
                    result = axe.run(page, options={"runOnly": {"type": "rule", "values": AXE_RULES}})
                    violations[palette] = [
                        f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:200]}"
                        for v in result.response["violations"]
                        for node in v["nodes"]
                    ]
        finally:
            ctx.close()
    with capsys.disabled():
        print(
            f"\n{slug}: page weight {weight / 1e6:.2f} MB (all transferred bytes, figures loaded); "
            f"screenshots in {SCREENSHOTS}"
        )
    assert 100_000 < weight < MAX_POST_BYTES
    assert violations == {"light": [], "dark": []}


def test_feed_is_served_and_lists_the_posts(browser, site_url):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        page.goto(site_url + POSTS["visual-guide"], wait_until="load")
        feed = page.evaluate("() => document.querySelector('link[rel=alternate][type=\"application/rss+xml\"]').href")
        response = page.request.get(feed)
        body = response.text()
    finally:
        ctx.close()
    assert feed == site_url + "feed_rss_created.xml" and response.ok
    links = re.findall(r"<link>([^<]+)</link>", body)
    assert "https://example.github.io/explaining-machines/blog/2024/02/04/visual-guide/" in links


# ------------------------------------------------------------------ the checks can fail


@pytest.fixture(scope="module")
def broken_site(built, tmp_path_factory):
    """A copy of the built site with a figure image, a citation target and a footnote broken."""
    copy = tmp_path_factory.mktemp("broken") / "site"
    shutil.copytree(built[0] / "site", copy)
    (next((copy / "assets" / "figures").glob("shap-digit.*.light.png"))).unlink()
    post = copy / POSTS["visual-guide"] / "index.html"
    html = post.read_text()
    html = html.replace('<li id="ref-rudin2019stop">', "<li>", 1)
    html = html.replace('<li id="fn:shapley">', "<li>", 1)
    post.write_text(html)
    with serve(copy) as url:
        yield url


def test_checks_catch_a_missing_image_citation_target_and_footnote(browser, broken_site):
    ctx, page, traffic = open_page(browser, broken_site)
    try:
        page.goto(broken_site + POSTS["visual-guide"], wait_until="load")
        without_views(page)  # the images, as a reader without script sees them
        images = check_images(page, "light")
        citations = check_citations(page)
        footnotes = check_footnotes(page)
        page.wait_for_load_state("networkidle")
        network = traffic.problems()
    finally:
        ctx.close()
    assert any(p.startswith("image did not load: ") and "shap-digit" in p for p in images)
    assert "fig-shap-seven: " in " ".join(images)
    assert [p for p in citations if "rudin2019stop" in p] == [
        "cite-visual-guide-rudin2019stop-1: target #ref-rudin2019stop does not exist"
    ]
    assert footnotes == ["footnote #fn:shapley: the note does not exist"]
    assert any("shap-digit" in p and "HTTP 404" in p for p in network)
