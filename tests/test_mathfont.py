"""The vendored math font against its manifest, the characters read from pages, the subset
and the cache that keeps it between builds."""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from explaining_machines.mathml import font, to_mathml
from explaining_machines.mathml.font import manifest, served, subset

SHAPLEY = (
    r"\phi_i(v) = \sum_{S \subseteq N \setminus \{i\}} "
    r"\frac{|S|!\,(n - |S| - 1)!}{n!} \bigl( v(S \cup \{i\}) - v(S) \bigr)"
)


def test_the_vendored_files_are_the_ones_the_manifest_records():
    assert manifest.problems() == []


def test_the_manifest_names_the_package_its_version_and_the_licence():
    source = font.vendored()
    assert (source.family, source.package, source.version, source.licence) == (
        "STIX Two Math",
        "@fontsource/stix-two-math",
        "5.3.0",
        "OFL-1.1",
    )
    assert "SIL OPEN FONT LICENSE Version 1.1" in source.licence_file.read_text()


def test_a_changed_byte_is_found_and_refused(tmp_path):
    folder = shutil.copytree(font.VENDOR, tmp_path / "vendor")
    path = folder / "STIXTwoMath-Regular.woff2"
    data = bytearray(path.read_bytes())
    data[1000] ^= 1
    path.write_bytes(bytes(data))
    (folder / "extra.txt").write_text("?")
    assert [problem.split(": ")[0] for problem in manifest.problems(folder)] == [str(path), str(folder / "extra.txt")]
    with pytest.raises(font.FontIntegrityError, match="its SHA-256 is not the one"):
        font.vendored(folder).verified_font()


def test_the_vendored_font_is_a_math_font_with_set_minus():
    vendored_font = TTFont(font.vendored().font)
    assert "MATH" in vendored_font
    assert 0x2216 in vendored_font.getBestCmap()


def test_a_page_s_formulas_with_their_tex_and_the_italic_letters_chromium_draws():
    page = "<p>" + to_mathml(r"x \setminus \alpha", False) + to_mathml(r"\mathrm{d} + \text{if }1", False) + "</p>"
    first, second = font.formulas(page)
    assert first.tex == r"x \setminus \alpha"
    assert first.characters == {"x", "𝑥", "∖", "α", "𝛼"}
    assert second.tex == r"\mathrm{d} + \text{if }1"
    assert second.characters == {"d", "+", "i", "f", "\xa0", "1"}  # an upright d and text: no italic


@pytest.fixture(scope="module")
def shapley_subset():
    characters = font.formulas(to_mathml(SHAPLEY, True))[0].characters | {"漢"}
    data, missing = subset.subset_font(font.vendored().verified_font(), characters)
    return characters, TTFont(io.BytesIO(data)), missing, len(data)


def test_the_subset_holds_the_characters_and_the_math_table(shapley_subset):
    characters, cut, missing, size = shapley_subset
    assert missing == {"漢"}
    # and what its layout features reach (⊇, the mirrored ⊆ of right-to-left math)
    assert {chr(code) for code in cut.getBestCmap()} >= characters - missing
    assert cut.flavor == "woff2" and "MATH" in cut
    assert size < 30_000 < font.vendored().font.stat().st_size


def test_the_subset_keeps_the_glyphs_of_the_math_variants_and_assemblies(shapley_subset):
    cut = shapley_subset[1]
    glyphs = set(cut.getGlyphOrder())
    variants = cut["MATH"].table.MathVariants
    needed = set()
    for construction in variants.VertGlyphConstruction + variants.HorizGlyphConstruction:
        needed |= {record.VariantGlyph for record in construction.MathGlyphVariantRecord}
        if construction.GlyphAssembly:
            needed |= {part.glyph for part in construction.GlyphAssembly.PartRecords}
    covered = set(variants.VertGlyphCoverage.glyphs)
    cmap = cut.getBestCmap()
    assert {cmap[ord(char)] for char in "(){}|∑"} <= covered  # the stretchy ones have their variants
    assert len(needed) > 10 and needed <= glyphs


class _Subsets:
    """subset_font replaced by one that counts its calls (the real one is tested above)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, data: bytes, characters) -> tuple[bytes, frozenset[str]]:
        self.calls += 1
        return b"wOF2" + "".join(sorted(characters)).encode(), frozenset(c for c in characters if c == "漢")


@pytest.fixture
def subsets(monkeypatch):
    fake = _Subsets()
    monkeypatch.setattr(subset, "subset_font", fake)
    return fake


def _store(cache: Path) -> font.FontStore:
    store = font.FontStore(cache)
    assert store.load() is None
    return store


def test_a_saved_subset_is_served_by_the_next_build_and_a_new_set_is_cut(tmp_path, subsets):
    store = _store(tmp_path)
    first = store.serve("ba")[0]
    store.save()
    again, why = _store(tmp_path).serve("ab")
    assert (again.made, again.path, again.data, why, subsets.calls) == (False, first.path, first.data, None, 1)
    assert again.path == served.FONTS + f"/stix-two-math.{hashlib.sha256(first.data).hexdigest()[:16]}.woff2"
    assert _store(tmp_path).serve("abc")[0].made and subsets.calls == 2


def test_a_damaged_kept_subset_is_cut_again_and_says_why(tmp_path, subsets):
    store = _store(tmp_path)
    first = store.serve("ab")[0]
    store.save()
    (kept,) = (tmp_path / "math-font").iterdir()
    kept.write_bytes(b"damaged")
    again, why = _store(tmp_path).serve("ab")
    assert again.made and again.data == first.data and subsets.calls == 2
    assert why == f"{kept}: does not match its recorded SHA-256 (damaged); the font is cut again"


def test_the_stylesheet_declares_the_subset_by_its_site_path():
    cut = font.ServedFont("assets/fonts/stix-two-math.0123456789abcdef.woff2", b"", 3, frozenset(), True)
    css = font.stylesheet(cut)
    assert f'font-family: "{font.FAMILY}";' in css
    assert 'src: url("../fonts/stix-two-math.0123456789abcdef.woff2") format("woff2");' in css
    assert "@font-face" not in font.stylesheet(None)


def test_the_subset_keeps_the_font_s_date_so_the_same_characters_give_the_same_bytes(shapley_subset):
    # fontTools would stamp the time of saving, and the served name, the digest of the bytes, would change.
    assert shapley_subset[1]["head"].modified == TTFont(font.vendored().font)["head"].modified


PAGE = """x

A $a \\text{漢} b$ here, `$y$` in code.

$$
|S| + 1
$$

    $z$

$$ e $$ {#eq-e}

> $$
> \\begin{aligned} a &= b \\\\
> c \\end{aligned}
> $$
"""


@pytest.mark.parametrize(
    ("tex", "line"),
    [
        (r"a \text{漢} b", 3),
        (r"\text{漢}", None),  # only inside another formula: not this one (a .bib title's, say)
        ("y", None),  # in code
        ("|S| + 1", 6),
        ("z", None),  # an indented code block
        ("e", 11),
        ("\\begin{aligned} a &= b \\\\\nc \\end{aligned}", 14),
    ],
)
def test_a_formula_is_found_whole_on_its_line(tex, line):
    assert font.formula_line(PAGE, tex) == line


def test_a_formula_of_a_bib_field_is_found_on_its_indented_line():
    bib = "@misc{x,\n\n    title = {On $\\text{漢}$ and more},\n}\n"
    assert font.formula_line(bib, r"\text{漢}", markdown=False) == 3
    assert font.formula_line(bib, r"\text{漢}") is None  # read as Markdown, the indented line is code


def _shown(page: str, markdown: str | None, tex: str, characters: str) -> font.Shown:
    return font.Shown(page, markdown, font.Formula(tex, frozenset(characters)))


def test_a_lacking_character_is_named_where_the_formula_is_written_once():
    post = "# A\n\nExcerpt $a \\text{漢} b$ [@han].\n"
    bib = "@misc{han,\n  title = {On $\\text{漢}$},\n}\n"
    shown = [
        _shown("docs/blog/posts/a.md", post, r"a \text{漢} b", "a漢b"),
        _shown("docs/blog/posts/a.md", post, r"\text{漢}", "漢"),  # its reference list shows the .bib's title
        _shown("docs/blog/index.md", "# Blog\n", r"a \text{漢} b", "a漢b"),  # the excerpt, again
        _shown("references.md", None, r"\text{漢}", "漢"),  # the generated References page, again
        _shown("docs/p.md", "# P\n\n$x$\n", "x", "x𝑥"),  # nothing lacking
        _shown("docs/q.md", "# Q\n", r"\text{字}", "字"),  # written nowhere the check can see: the page alone
    ]
    tail = "draws: the reader's browser shows it in another font, or as a box (README, 'The math font')"
    assert font.missing_characters(shown, frozenset("漢字"), {"references.bib": bib}) == [
        f"docs/blog/posts/a.md:3: the math font has no '漢' (U+6F22), which 'a \\text{{漢}} b' {tail}",
        f"references.bib:2: the math font has no '漢' (U+6F22), which '\\text{{漢}}' {tail}",
        f"docs/q.md: the math font has no '字' (U+5B57), which '\\text{{字}}' {tail}",
    ]
    assert font.missing_characters(shown, frozenset(), {}) == []
