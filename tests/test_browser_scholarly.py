"""The scholarly apparatus and computed content as a reader meets them in Chromium, under the sub-path.

Cross-reference previews and jumps, the site's References page and its back-links, the
"How this figure was made" block and its data download, the notebook page in both
palettes, and the author's original post pasted as written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from browser import in_view, open_page, scroll_through, serve, switch_palette
from conftest import ROOT, mkdocs

pytestmark = [pytest.mark.slow, pytest.mark.browser]

GUIDE = "blog/2024/02/04/visual-guide/"
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "visual-guide-original.md"


def test_hovering_a_figure_reference_previews_it_and_clicking_goes_there(browser, site_url):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        page.goto(site_url + GUIDE, wait_until="load")
        link = page.locator('a.crossref[href="#fig-shap-seven"]').first
        assert link.inner_text() == "Figure 2"
        link.hover()
        preview = page.locator(".crossref-preview")
        preview.wait_for(timeout=3000)
        image = preview.locator("img")
        assert "shap-digit." in image.get_attribute("src") and ".light.png" in image.get_attribute("src")
        page.wait_for_function("() => document.querySelector('.crossref-preview img').naturalWidth > 0")
        assert "SHAP values of the digit classifier" in preview.inner_text()
        page.mouse.move(0, 0)
        preview.wait_for(state="detached", timeout=3000)
        link.click()
        assert page.evaluate("() => location.hash") == "#fig-shap-seven" and in_view(page, "fig-shap-seven")
        equation = page.locator('a.crossref[href="#eq-shapley"]').first
        equation.hover()
        page.locator(".crossref-preview math").wait_for(timeout=3000)
        page.wait_for_load_state("networkidle")
        assert traffic.problems() == []
    finally:
        ctx.close()


# Where the preview and Material's header are, in the window's coordinates, and the link's title.
PLACED = """(href) => {
    const box = document.querySelector('.crossref-preview').getBoundingClientRect();
    const link = document.querySelector(`a.crossref[href="${href}"]`).getBoundingClientRect();
    const image = document.querySelector('.crossref-preview img');
    return {top: box.top, bottom: box.bottom, left: box.left, right: box.right,
            header: document.querySelector('.md-header').getBoundingClientRect().bottom,
            width: document.documentElement.clientWidth, height: document.documentElement.clientHeight,
            below: box.top >= link.bottom, image: image ? image.getBoundingClientRect().height : null,
            shrunk: document.querySelector('.crossref-preview').classList.contains('crossref-preview--shrunk'),
            bubbles: document.querySelectorAll('.md-tooltip2--active').length};
}"""
# Scroll the window so that the link's top stands `offset` px below the header (or, when
# negative, its bottom -offset px above the window's bottom edge).
SCROLL_TO = """([href, offset]) => {
    const link = document.querySelector(`a.crossref[href="${href}"]`);
    const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
    const rect = link.getBoundingClientRect();
    const y = offset >= 0 ? rect.top - header - offset : rect.bottom - innerHeight - offset;
    window.scrollBy(0, y);
}"""


@pytest.mark.parametrize(
    ("viewport", "offset", "side"),
    [
        ({"width": 1280, "height": 800}, 4, "below"),  # near the top: below the link, never under the header
        ({"width": 390, "height": 844}, 4, "below"),
        ({"width": 1280, "height": 800}, -4, "above"),  # near the bottom: above it
        ({"width": 390, "height": 844}, -4, "above"),
        ({"width": 1280, "height": 600}, 200, "inside"),  # room neither below nor above: beside, or shrunk
        ({"width": 390, "height": 480}, 150, "shrunk"),  # no side has room for a figure: shrunk
    ],
    ids=["desktop-top", "phone-top", "desktop-bottom", "phone-bottom", "short-desktop", "short-phone"],
)
def test_a_preview_stays_inside_the_window_and_below_the_header(browser, built, site_url, viewport, offset, side):
    html = (built[0] / "site" / GUIDE / "index.html").read_text()
    same_page = re.findall(r'<a class="crossref" href="#[^"]*"[^>]*>', html)
    assert same_page and not [tag for tag in same_page if "title=" in tag]  # so no tooltip bubble
    ctx, page, traffic = open_page(browser, site_url, viewport=viewport)
    try:
        page.goto(site_url + GUIDE, wait_until="load")
        for href in dict.fromkeys(re.findall(r'href="(#[^"]*)"', " ".join(same_page))):  # every figure, the equation
            page.mouse.move(0, viewport["height"] - 1)
            page.evaluate(SCROLL_TO, [href, offset])
            page.locator(f'a.crossref[href="{href}"]').first.hover()
            page.locator(".crossref-preview").wait_for(timeout=3000)
            page.wait_for_function("() => [...document.querySelectorAll('.crossref-preview img')]"
                                   ".every(i => i.complete && i.naturalWidth > 0)")  # fmt: skip
            page.wait_for_timeout(400)  # Material's tooltips open after a delay: one would be there by now
            placed = page.evaluate(PLACED, href)
            where = f"{href} at {viewport}: {placed}"
            assert placed["top"] >= placed["header"] and placed["bottom"] <= placed["height"], where
            assert placed["left"] >= 0 and placed["right"] <= placed["width"], where
            assert placed["bubbles"] == 0, where
            if side in ("below", "above"):
                assert placed["below"] is (side == "below") and not placed["shrunk"], where
            if side == "shrunk" and href.startswith("#fig-"):
                assert placed["shrunk"] and placed["image"] >= 48, where
        assert traffic.problems() == []
    finally:
        ctx.close()


def test_the_references_page_lists_the_sites_entries_with_working_back_links(browser, site_url):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        # Each navigation waits for the network to go quiet: leaving a page while the browser
        # still fetches its favicon aborts that request, which the traffic check counts as failed.
        page.goto(site_url + "references/", wait_until="networkidle")
        entries = page.locator("ul.site-references > li")
        assert entries.count() == 4
        back_links = page.evaluate("() => [...document.querySelectorAll('.cited-in a')].map(a => a.href)")
        assert len(back_links) >= 4 and all(link.startswith(site_url) for link in back_links)
        for link in back_links:
            page.goto(link, wait_until="networkidle")
            target = link.split("#", 1)[1]
            assert page.evaluate("(id) => !!document.getElementById(id)", target), link
            page.wait_for_function("(id) => { const r = document.getElementById(id).getBoundingClientRect();"
                                   " return r.bottom > 0 && r.top < innerHeight; }", arg=target)  # fmt: skip
        assert traffic.problems() == []
    finally:
        ctx.close()


def test_a_figures_making_of_opens_and_its_data_downloads(browser, site_url):
    ctx, page, _ = open_page(browser, site_url, accept_downloads=True)
    try:
        page.goto(site_url + GUIDE, wait_until="load")
        block = page.locator("details.figure-made").first
        assert block.get_attribute("open") is None  # closed until a reader opens it
        block.locator("summary").click()
        assert block.get_attribute("open") is not None
        assert "def draw" not in block.inner_text()  # the code is on the provenance page, not in the post
        with page.expect_download() as download:
            block.locator("a[download]").click()
        data = Path(download.value.path()).read_text()
        assert data.splitlines()[0].startswith("feature,impurity") and len(data.splitlines()) == 21
        block.locator("a", has_text="the chain from the data").click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text().rstrip("¶") == "figure:feature-importance"
        assert "def draw" in page.locator("article").inner_text() and "cache key" not in page.url
    finally:
        ctx.close()


def test_the_notebook_shows_no_white_box_on_the_dark_page(browser, site_url):
    ctx, page, _ = open_page(browser, site_url, viewport={"width": 1280, "height": 900})
    try:
        page.goto(site_url + "notebooks/shap-explorer/", wait_until="load")
        scroll_through(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        measured = {}
        for palette in ("light", "dark"):
            if palette == "dark":
                switch_palette(page)
                scroll_through(page)
            page.screenshot(path=SCREENSHOTS / f"notebook-{palette}-desktop.png", full_page=True)
            # The opaque, light share of each shown output image's pixels (read back through a canvas).
            measured[palette] = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea img')]
                .filter(img => img.offsetParent !== null && img.naturalWidth > 0).map(img => {
                    const canvas = document.createElement('canvas');
                    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
                    const context = canvas.getContext('2d');
                    context.drawImage(img, 0, 0);
                    const {data} = context.getImageData(0, 0, canvas.width, canvas.height);
                    let light = 0;
                    for (let i = 0; i < data.length; i += 4)
                        if (data[i + 3] > 200 && data[i] + data[i + 1] + data[i + 2] > 3 * 235) light++;
                    return light / (data.length / 4);
                })""")
        assert measured["light"] and measured["dark"], measured
        assert max(measured["dark"]) < 0.2, measured["dark"]  # no white box behind a map on the dark page
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def seeded(built, tmp_path_factory):
    """The real site (with its cache) and the author's original post pasted in unchanged, built --strict."""
    site = tmp_path_factory.mktemp("seeded") / "site"
    shutil.copytree(built[0], site)
    shutil.copy(SEED, site / "docs" / "blog" / "posts" / SEED.name)
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    with serve(site / "site") as url:
        yield site, url


def test_the_authors_original_post_builds_with_its_references_and_images(browser, seeded):
    site, url = seeded
    (html_file,) = (site / "site" / "blog").rglob("machine-learning-explainability-a-visual-guide/index.html")
    path = html_file.parent.relative_to(site / "site").as_posix() + "/"
    html = html_file.read_text()
    assert re.findall(r'<li id="(ref-[^"]+)">', html) == [
        "ref-molnar2020interpretable",
        "ref-ribeiro2016lime",
        "ref-rudin2019stop",
    ]
    ctx, page, traffic = open_page(browser, url)
    try:
        page.goto(url + path, wait_until="load")
        scroll_through(page)
        sources = page.evaluate(
            "() => [...document.images].filter(i => i.closest('article')).map(i => [i.src, i.naturalWidth])"
        )
        pasted = [(src, width) for src, width in sources if "/assets/images/blog/" in src]
        assert [src.rsplit("/", 1)[1] for src, _ in pasted] == ["feature-importance.png", "lime-explanation.png"]
        assert all(src.startswith(url) and width > 0 for src, width in pasted)  # under the sub-path
        page.wait_for_load_state("networkidle")
        assert traffic.problems() == []
    finally:
        ctx.close()
