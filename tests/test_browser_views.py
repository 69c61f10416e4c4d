"""The interactive views of the built visual guide in Chromium: both palettes, desktop and phone.

At least three vega-embed views; hovering a pixel of the SHAP view shows a tooltip whose
SHAP value is that pixel's in the figure's CSV download; choosing another digit with the
keyboard redraws the map; switching the palette redraws every view in its colours; axe
finds nothing; no policy violation, no request to another host, no console error. The
payload of each post's views (scripts and data, compressed) stays under 400 KB.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from urllib.parse import urlsplit

import brotli
import pytest
from browser import BASE_PATH, open_page, switch_palette, views_drawn
from conftest import ROOT
from test_browser import AXE_RULES, POSTS

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
PAYLOAD_LIMIT = 400_000  # compressed bytes of a post's views: scripts and data
SHAP = "#fig-shap-seven"
PIXELS = (0.62, 0.45), (0.7, 0.5), (0.75, 0.35), (0.66, 0.6), (0.8, 0.45)  # points on the map (right panel)


def _canvas(page, figure: str) -> str:
    return page.evaluate(f"() => document.querySelector('{figure} .figure-view__chart canvas').toDataURL()")


def _hover_tooltip(page, figure: str) -> dict[str, str]:
    """Hover points of the SHAP map until the tooltip shows a pixel; its rows, key -> value."""
    canvas = page.locator(f"{figure} .figure-view__chart canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    for fx, fy in PIXELS:
        page.mouse.move(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        try:
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=2000)
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError: try the next point
            continue
        rows = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#vg-tooltip-element tr')]
            .map(r => [r.querySelector('.key').textContent.trim(), r.querySelector('.value').textContent.trim()]))""")
        if "SHAP value" in rows:
            return rows
    return {}


def _csv(site, page, figure: str) -> list[dict[str, str]]:
    href = page.evaluate(f"() => document.querySelector('{figure} + details a[download]').href")
    path = site / urlsplit(href).path.removeprefix(BASE_PATH)
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
def test_the_visual_guide_s_views_work_in_both_palettes(browser, site_url, built, viewport):
    from axe_playwright_python.sync_playwright import Axe

    site = built[0] / "site"
    ctx, page, traffic = open_page(browser, site_url, viewport=VIEWPORTS[viewport])
    problems = []
    try:
        page.goto(site_url + POSTS["visual-guide"], wait_until="load")
        views_drawn(page, "light", 3)
        assert page.locator(".figure-view .vega-embed").count() >= 3
        assert page.locator(f"{SHAP} .figure-view [role=img][aria-label]").count() == 1
        rows = {(r["row"], r["col"]): r for r in _csv(site, page, SHAP)}
        for palette in ("light", "dark"):
            if palette == "dark":
                before = {f: _canvas(page, f) for f in ("#fig-importance", SHAP, "#fig-lime-seven")}
                assert switch_palette(page) == "slate"
                views_drawn(page, "dark", 3)
                after = {f: _canvas(page, f) for f in before}
                assert [f for f in before if before[f] == after[f]] == []  # every view in new colours
            shown = _hover_tooltip(page, SHAP)
            assert shown, f"{palette}: no tooltip over the SHAP map"
            pixel = rows[(shown["row"], shown["column"])]
            shap = float(shown["SHAP value"].replace("\u2212", "-"))  # d3-format writes a minus sign
            assert shap == pytest.approx(float(pixel[f"class_{shown['class']}"]), rel=1e-9)
            assert shown["pixel intensity"] == pixel["pixel"]
            result = Axe().run(page, options={"runOnly": {"type": "rule", "values": AXE_RULES}})
            problems += [
                f"{palette} {v['id']}: {n['target']}" for v in result.response["violations"] for n in v["nodes"]
            ]
        # Another digit, chosen with the keyboard: the map changes, the tooltip follows.
        map_before = _canvas(page, SHAP)
        select = page.locator(f"{SHAP} .figure-view select").first
        chosen = select.input_value()
        select.focus()
        page.keyboard.press("ArrowDown")
        page.wait_for_function(f"(v) => document.querySelector('{SHAP} .figure-view select').value !== v", arg=chosen)
        page.wait_for_function(f"(m) => document.querySelector('{SHAP} .figure-view canvas').toDataURL() !== m",
                               arg=map_before)  # fmt: skip
        page.wait_for_load_state("networkidle")
        problems += traffic.problems()
    finally:
        ctx.close()
    assert problems == []


def _payload(site, requested: list[str]) -> dict[str, dict[str, int]]:
    """The compressed sizes of the views' files a page asked for: scripts and data."""
    sizes = {}
    for url in requested:
        path = urlsplit(url).path.removeprefix(BASE_PATH)
        if path.startswith("assets/views/") or (path.startswith("assets/figures/") and path.endswith(".json")):
            body = (site / path).read_bytes()
            sizes[path] = {"raw": len(body), "gzip": len(gzip.compress(body, 9)), "brotli": len(brotli.compress(body))}
    return sizes


@pytest.mark.parametrize("slug", sorted(POSTS))
def test_a_post_s_views_weigh_under_400_kb_compressed(browser, site_url, built, slug, capsys):
    site = built[0] / "site"
    ctx, page, traffic = open_page(browser, site_url, viewport=VIEWPORTS["desktop"])
    try:
        page.goto(site_url + POSTS[slug], wait_until="load")
        count = page.locator(".figure-view").count()
        if count:
            views_drawn(page, "light", count)
        page.wait_for_load_state("networkidle")
        sizes = _payload(site, traffic.requests)
        problems = traffic.problems()
    finally:
        ctx.close()
    assert problems == []
    totals = {kind: sum(size[kind] for size in sizes.values()) for kind in ("raw", "gzip", "brotli")}
    report = ROOT / "tests" / "artifacts" / f"view-payload-{slug}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps({"files": sizes, "total": totals}, indent=1))
    with capsys.disabled():
        print(f"\n{slug}: {count} views, payload {totals['raw'] / 1e3:.0f} KB raw, {totals['gzip'] / 1e3:.0f} KB gzip, "
              f"{totals['brotli'] / 1e3:.0f} KB brotli ({len(sizes)} files)")  # fmt: skip
    assert count >= 2
    assert totals["gzip"] < PAYLOAD_LIMIT and totals["brotli"] < PAYLOAD_LIMIT


def test_a_page_without_a_view_loads_no_vega_script(browser, site_url):
    ctx, page, traffic = open_page(browser, site_url)
    try:
        for path in ("", "blog/", "tags/"):
            page.goto(site_url + path, wait_until="load")
            page.wait_for_load_state("networkidle")
        problems = traffic.problems()
    finally:
        ctx.close()
    assert problems == []
    assert [url for url in traffic.requests if "/assets/views/" in url] == []
