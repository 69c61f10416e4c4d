"""Each figure of the published posts as a reader sees it: on a 390 px phone, in both palettes.

The figures are screenshotted one by one (cropped to the figure element) under
tests/artifacts/screenshots/figures/, and measured where the page really shows them:
the smallest text of a figure (``style.FONT`` points at the site's dpi, which
tests/test_figures_readable.py checks every text against) scaled by the width the
browser gives the image is at least 9 CSS px on the phone, and on a desktop the PNG
has at least two pixels per CSS pixel. The notebook's SHAP explorer shows the map
drawn for the current palette.
"""

from __future__ import annotations

import pytest
from browser import open_page, scroll_through, switch_palette, without_views
from conftest import ROOT
from test_browser import POSTS

from figures import style

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FIGURES_DIR = ROOT / "tests" / "artifacts" / "screenshots" / "figures"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
EXPLORER = "notebooks/shap-explorer/"
SHOWN = """() => [...document.querySelectorAll('figure.computed-figure')].map(f => {
    const img = [...f.querySelectorAll('img')].find(i => getComputedStyle(i).display !== 'none');
    return {id: f.id, src: img.getAttribute('src'), natural: img.naturalWidth,
            shown: img.getBoundingClientRect().width};
})"""


def _figures(page, palette: str) -> list[dict]:
    """The figures of the open page in `palette`, each screenshotted, with its sizes: their images,
    as readers without script, feeds and print see them (tests/test_browser_views.py checks the views)."""
    without_views(page)
    scroll_through(page)
    page.wait_for_load_state("networkidle")
    found = page.evaluate(SHOWN)
    for figure in found:
        element = page.locator(f"[id='{figure['id']}']")
        element.scroll_into_view_if_needed()
        element.screenshot(path=FIGURES_DIR / f"{figure['id'].removeprefix('figure-')}-{palette}-phone.png")
    return found


@pytest.mark.parametrize("slug", sorted(POSTS))
def test_each_figure_on_a_phone_in_both_palettes_has_9_px_text(browser, site_url, slug, capsys):
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    ctx, page, traffic = open_page(browser, site_url, viewport=PHONE, device_scale_factor=2)
    try:
        page.goto(site_url + POSTS[slug], wait_until="load")
        shown = {"light": _figures(page, "light")}
        assert switch_palette(page) == "slate"
        shown["dark"] = _figures(page, "dark")
        problems = traffic.problems()
    finally:
        ctx.close()
    assert problems == []
    assert len(shown["light"]) == 3
    report = []
    for palette, figures in shown.items():
        for figure in figures:
            assert f".{palette}.png" in figure["src"]
            assert figure["shown"] <= style.PHONE_COLUMN + 0.5  # fits the column: no sideways scrolling
            text = style.shown_text_px(style.FONT, style.DPI, figure["natural"], figure["shown"])
            report.append(f"{figure['id']} {palette}: {figure['natural']} px PNG shown at {figure['shown']:.0f} px, "
                          f"smallest text {text:.2f} CSS px")  # fmt: skip
            assert text >= style.MIN_TEXT_PX, report[-1]
    with capsys.disabled():
        print("\n" + "\n".join(report) + f"\nscreenshots in {FIGURES_DIR}")


@pytest.mark.parametrize("slug", sorted(POSTS))
def test_each_figure_is_sharp_on_a_2x_desktop(browser, site_url, slug):
    ctx, page, _ = open_page(browser, site_url, viewport=DESKTOP)
    try:
        page.goto(site_url + POSTS[slug], wait_until="load")
        without_views(page)
        scroll_through(page)
        figures = page.evaluate(SHOWN)
    finally:
        ctx.close()
    assert len(figures) == 3
    assert {f["id"]: round(f["natural"] / f["shown"], 2) >= style.SHARPNESS for f in figures} == {
        f["id"]: True for f in figures
    }, [(f["id"], f["natural"], f["shown"]) for f in figures]


def test_the_explorer_shows_the_maps_of_the_current_palette(browser, site_url):
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    ctx, page, traffic = open_page(browser, site_url, viewport=PHONE, device_scale_factor=2)
    visible = """() => [...document.querySelectorAll('.shap-maps img')]
        .filter(i => getComputedStyle(i).display !== 'none' && i.offsetParent !== null)
        .map(i => i.className + ' ' + i.parentElement.className)"""
    try:
        page.goto(site_url + EXPLORER, wait_until="load")
        row = page.locator(".shap-explorer-row").first
        light = page.evaluate(visible)
        row.screenshot(path=FIGURES_DIR / "shap-explorer-light-phone.png")
        assert switch_palette(page) == "slate"
        dark = page.evaluate(visible)
        row.locator("label").nth(3).click()  # the radio buttons still switch the class
        switched = page.evaluate(visible)
        row.screenshot(path=FIGURES_DIR / "shap-explorer-dark-phone.png")
        problems = traffic.problems()
    finally:
        ctx.close()
    assert problems == []
    assert len(light) == len(dark) == 10  # one map per explained digit
    assert all(shown.startswith("shap-light ") for shown in light)
    assert all(shown.startswith("shap-dark ") for shown in dark)
    assert switched[0] == "shap-dark shap-map shap-map-3"
