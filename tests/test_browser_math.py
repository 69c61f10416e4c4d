"""The math as a reader's Chromium draws it: with the font the site serves, spaced as TeX spaces it.

The check does not depend on the fonts of the machine that runs it (here DejaVu and
Liberation, neither with STIX Two Math): Chromium's DevTools protocol names the fonts it
drew each token with, and fontTools reads the served font's character map, which must
hold every character of every ``<math>`` of every built page.
"""

from __future__ import annotations

import html
import re

import pytest
from browser import open_page
from fontTools.ttLib import TTFont

pytestmark = [pytest.mark.slow, pytest.mark.browser]

GUIDE = "blog/2024/02/04/visual-guide/"
FAMILY = "Explaining Machines Math"
_MATH = re.compile(r"<math\b.*?</math>", re.DOTALL)


def _served_font(site):
    css = (site / "assets/stylesheets/math-font.css").read_text()
    (name,) = re.findall(r'url\("\.\./fonts/([^"]+\.woff2)"\)', css)
    return site / "assets/fonts" / name


def test_every_character_of_every_equation_is_in_the_served_font(built):
    site = built[0] / "site"
    cmap = TTFont(_served_font(site)).getBestCmap()
    lacking, pages = {}, []
    for path in sorted(site.rglob("*.html")):
        formulas = _MATH.findall(path.read_text(encoding="utf-8"))
        if formulas:
            pages.append(path.parent.relative_to(site).as_posix() + "/")
        for formula in formulas:
            drawn = set(html.unescape(re.sub(r"<[^>]*>", "", formula)))
            missing = {char for char in drawn if char >= " " and ord(char) not in cmap}
            if missing:
                lacking.setdefault(str(path.relative_to(site)), set()).update(missing)
    assert GUIDE in pages and lacking == {}


# Each token of the page's equations and the fonts Chromium drew it with.
TOKENS = "article math mi, article math mo, article math mn, article math mtext"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_the_equations_are_drawn_with_the_served_font_only(browser, site_url, viewport):
    ctx, page, traffic = open_page(browser, site_url, viewport=viewport)
    try:
        page.goto(site_url + GUIDE, wait_until="load")
        page.evaluate("() => document.fonts.ready")
        faces = page.evaluate("() => [...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])")
        assert [FAMILY, "loaded"] in faces, faces
        assert page.evaluate(f"() => document.fonts.check('16px \"{FAMILY}\"', '∖')")
        session = page.context.new_cdp_session(page)
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        nodes = session.send("DOM.querySelectorAll", {"nodeId": root, "selector": TOKENS})["nodeIds"]
        assert len(nodes) > 40
        drawn_with = set()
        for node in nodes:
            for used in session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]:
                drawn_with.add((used["familyName"], used["isCustomFont"]))
        assert drawn_with == {("STIX Two Math", True)}  # the served face, and no fallback for any glyph
        page.wait_for_load_state("networkidle")
        assert traffic.problems() == []
    finally:
        ctx.close()


# The gaps, in em, between the glyphs of the SHAP equation's numerator, |S|!\,(n - |S| - 1)!,
# as TeX sets them: none between ordinary symbols (the bars, S, n, 1) and closings (!, ));
# a thin space (\,, 3mu); a medium space (4mu) on each side of the binary minus.
THIN, MEDIUM = 3 / 18, 4 / 18
NUMERATOR_GAPS = [0, 0, 0, THIN, 0, MEDIUM, MEDIUM, 0, 0, MEDIUM, MEDIUM, 0, 0]
GLYPH_GAPS = """() => {
    const numerator = document.querySelector('#eq-shapley mfrac > :first-child');
    const boxes = [...numerator.querySelectorAll('mi, mo, mn')].map(token => {
        const range = document.createRange();
        range.selectNodeContents(token);
        return range.getBoundingClientRect();
    });
    const em = parseFloat(getComputedStyle(numerator).fontSize);
    return {text: numerator.textContent,
            gaps: boxes.slice(1).map((box, i) => (box.left - boxes[i].right) / em)};
}"""


def test_the_shap_equation_is_spaced_as_tex_spaces_it(browser, site_url):
    ctx, page, _ = open_page(browser, site_url, viewport={"width": 1280, "height": 800})
    try:
        page.goto(site_url + GUIDE, wait_until="load")
        page.evaluate("() => document.fonts.ready")
        measured = page.evaluate(GLYPH_GAPS)
        assert measured["text"] == "|S|!(n−|S|−1)!"
        assert measured["gaps"] == pytest.approx(NUMERATOR_GAPS, abs=0.04), measured["gaps"]
    finally:
        ctx.close()
