"""The Content-Security-Policy, enforced by Chromium on the published site.

Every HTML file of the real site is opened in both palettes and used as a reader
would (search, tooltips, code copy, the notebook explorer) with no violation
reported (`Traffic` listens for ``securitypolicyviolation`` events and the
console). Then a copy of the site gets a script placed in a page after the build,
as a missed escape would place it: it does not run, and without the policy the
same script does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import check_images, open_page, serve, switch_palette, tooltip_of

from explaining_machines.checks import csp

pytestmark = [pytest.mark.slow, pytest.mark.browser]

POST = "blog/2024/02/04/visual-guide/"
INJECTED = (
    '<script>document.documentElement.dataset.ran = "script";</script>'
    "<svg onload=\"document.documentElement.dataset.ran = 'handler'\"></svg>"
    '<a id="injected-link" href="javascript:void(document.documentElement.dataset.ran = \'link\')">link</a>'
)


def pages_of(site: Path) -> list[str]:
    """The path of every HTML file in `site`, as a browser asks for it."""
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html"))


def use_like_a_reader(page) -> None:
    """Search, hover a tooltip, copy code and click through the notebook's explorer, where the page has them."""
    code = page.locator("pre:has(.md-code__button[data-md-type=copy])").filter(visible=True)  # code copy
    if code.count():
        code.first.hover()  # the button shows while the pointer is over the code
        code.first.locator(".md-code__button[data-md-type=copy]").click()
        page.locator(".md-dialog--active").wait_for(timeout=3000)  # "Copied to clipboard"
    notebook_copy = page.locator("clipboard-copy")  # the notebook template's own copy buttons
    if notebook_copy.count():
        notebook_copy.first.click()
    tip = page.locator("article a.footnote-ref[href^='#'], article a.citation[href^='#']")
    if tip.count():
        assert tooltip_of(page, tip.first)  # the note or the reference shows
    for label in page.locator(".shap-explorer-row label").all()[:3]:
        label.click()
    page.wait_for_load_state("networkidle")  # the search worker has its index
    page.locator("input.md-search__input").click()
    page.keyboard.type("model", delay=20)  # Material searches on key events
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    page.keyboard.press("Escape")


def test_every_page_carries_the_policy_before_anything_it_governs(built):
    site = built[0] / "site"
    for path in sorted(site.rglob("*.html")):
        html = path.read_text()
        assert html.count('http-equiv="Content-Security-Policy"') == 1, path
        # Only <meta charset> comes before it: a policy covers what the parser meets after it.
        tags = html[html.index("<head>") :].split("<")[2:4]
        assert tags[0].startswith('meta charset="utf-8">'), path
        assert tags[1].startswith('meta http-equiv="Content-Security-Policy"'), path


def test_every_page_in_both_palettes_without_a_violation(browser, built, site_url):
    pages = pages_of(built[0] / "site")
    assert len(pages) >= 9 and "404.html" in pages and "notebooks/shap-explorer/" in pages
    problems = {}
    for path in pages:
        ctx, page, traffic = open_page(browser, site_url)
        try:
            page.goto(site_url + path, wait_until="load")
            found = check_images(page, "light")
            assert switch_palette(page) == "slate"
            found += check_images(page, "dark")
            use_like_a_reader(page)
            assert switch_palette(page) == "default"
            page.wait_for_load_state("networkidle")
            # The policy the browser enforces is the one built into the page.
            meta = page.evaluate("() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
            assert meta.startswith("default-src 'self'; script-src 'self' 'sha256-"), path
            problems[path] = found + traffic.problems()
        finally:
            ctx.close()
    assert problems == {path: [] for path in pages}


@pytest.fixture(scope="module")
def injected(built, tmp_path_factory):
    """Two copies of the site with a script, a handler and a javascript: link put into a post
    after the build: one as built (with the policy), one with the policy taken out."""
    urls = {}
    with_policy = tmp_path_factory.mktemp("injected") / "site"
    shutil.copytree(built[0] / "site", with_policy)
    post = with_policy / POST / "index.html"
    html = post.read_text()
    assert csp.has_policy(html)
    post.write_text(html.replace("</article>", INJECTED + "</article>", 1))
    without = tmp_path_factory.mktemp("unprotected") / "site"
    shutil.copytree(with_policy, without)
    (without / POST / "index.html").write_text(csp._OUR_META.sub("", post.read_text()))
    with serve(with_policy) as urls["policy"], serve(without) as urls["none"]:
        yield urls


@pytest.fixture(scope="module")
def styled(built, tmp_path_factory):
    """A copy of the site whose post has a style attribute and a <style> that were there when
    its policy was computed, as the build would have them (MathML can carry style=)."""
    site = tmp_path_factory.mktemp("styled") / "site"
    shutil.copytree(built[0] / "site", site)
    post = site / POST / "index.html"
    extra = (
        '<p id="styled-attribute" style="color: rgb(1, 2, 3)">a</p>'
        '<style>#styled-element { color: rgb(4, 5, 6) }</style><p id="styled-element">b</p>'
    )
    post.write_text(csp.protect(post.read_text().replace("</article>", extra + "</article>", 1))[0])
    with serve(site) as url:
        yield url


def test_styles_in_the_page_when_its_policy_was_computed_apply(browser, styled):
    ctx, page, traffic = open_page(browser, styled)
    try:
        page.goto(styled + POST, wait_until="load")
        colours = page.evaluate(
            "() => ['styled-attribute', 'styled-element'].map(i => getComputedStyle(document.getElementById(i)).color)"
        )
        page.wait_for_load_state("networkidle")
        problems = traffic.problems()
    finally:
        ctx.close()
    assert colours == ["rgb(1, 2, 3)", "rgb(4, 5, 6)"]
    assert problems == []


def ran(browser, url: str) -> tuple[list[str | None], list[str]]:
    """What the injected code did (after the page loaded, and after clicking its link), and the violations."""
    ctx, page, traffic = open_page(browser, url)
    try:
        page.goto(url + POST, wait_until="load")
        effects = [page.evaluate("() => document.documentElement.dataset.ran ?? null")]
        page.evaluate("() => { delete document.documentElement.dataset.ran; }")
        page.locator("#injected-link").click()
        page.wait_for_timeout(300)
        effects.append(page.evaluate("() => document.documentElement.dataset.ran ?? null"))
        page.wait_for_load_state("networkidle")
        return effects, traffic.csp_violations
    finally:
        ctx.close()


def test_a_script_injected_into_a_built_page_does_not_run(browser, injected):
    effects, violations = ran(browser, injected["policy"])
    assert effects == [None, None]
    blocked = sorted(v.split(" ", 1)[0] for v in violations)
    assert blocked == ["script-src-attr", "script-src-elem", "script-src-elem"], violations


def test_without_the_policy_the_same_script_runs(browser, injected):
    """The control: the injection is sound, so it is the policy that stopped it."""
    effects, violations = ran(browser, injected["none"])
    assert effects == ["handler", "link"]  # the handler ran after the script and overwrote its mark
    assert violations == []
