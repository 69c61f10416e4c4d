from html.parser import HTMLParser
from pathlib import Path

import pytest

from explaining_machines import bibliography

ROOT = Path(__file__).resolve().parent.parent

EVIL = r"""@article{evil,
  author = {M{\"u}ller, J<script>rg and Doe, Jane},
  title = {Why <script>alert(1)</script> "onmouseover=x" pages 1--2},
  journal = {J. <b>Bold</b>},
  year = {2020},
  doi = {10.1/x"onmouseover=y}
}
"""


def _attributes(markup: str) -> list[tuple[str, str]]:
    """(tag, attribute) pairs of every element in `markup`, as a browser would parse them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name) for name, _ in attrs)

    Collector().feed(markup)
    return found


def write(tmp_path, text, name="refs.bib"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_real_bibliography_loads():
    bib = bibliography.load(ROOT / "references.bib", "references.bib")
    assert set(bib.entries) == {"molnar2020interpretable", "ribeiro2016why", "rudin2019stop", "lundberg2017unified"}


@pytest.mark.parametrize("style", bibliography.STYLES)
@pytest.mark.parametrize("author_year", [False, True])
def test_every_style_escapes_and_decodes(tmp_path, style, author_year):
    bib = bibliography.load(write(tmp_path, EVIL), "refs.bib")
    (ref,) = bibliography.format_references(["evil"], bib.entries, style=style, author_year=author_year).values()
    assert "<script>" not in ref.html and "&lt;script&gt;" in ref.html
    assert "<b>" not in ref.html
    assert 'href="https://doi.org/10.1/x&quot;onmouseover=y"' in ref.html
    assert not [name for _, name in _attributes(ref.html) if name.startswith("on")]
    assert "Müller" in ref.text and "1–2" in ref.text
    if author_year:
        assert ref.label == "Müller and Doe, 2020"


def test_labels_per_style(tmp_path):
    text = (ROOT / "references.bib").read_text()
    bib = bibliography.load(write(tmp_path, text), "refs.bib")
    cited = ["rudin2019stop", "molnar2020interpretable"]
    numbered = bibliography.format_references(cited, bib.entries, style="numbered", author_year=False)
    assert [(k, r.label) for k, r in numbered.items()] == [("rudin2019stop", "1"), ("molnar2020interpretable", "2")]
    plain = bibliography.format_references(cited, bib.entries, style="plain", author_year=False)
    assert [(k, r.label) for k, r in plain.items()] == [("molnar2020interpretable", "1"), ("rudin2019stop", "2")]
    alpha = bibliography.format_references(cited, bib.entries, style="alpha", author_year=False)
    assert alpha["molnar2020interpretable"].label == "Mol20"
    ay = bibliography.format_references(cited, bib.entries, style="numbered", author_year=True)
    assert [r.label for r in ay.values()] == ["Molnar, 2020", "Rudin, 2019"]
    assert 'href="https://doi.org/10.1038/s42256-019-0048-x"' in numbered["rudin2019stop"].html


def test_only_http_links(tmp_path):
    path = write(tmp_path, "@misc{j,\n title={T},\n url={javascript:alert(1)},\n year={2000}\n}\n")
    bib = bibliography.load(path, "refs.bib")
    (ref,) = bibliography.format_references(["j"], bib.entries, style="plain", author_year=False).values()
    assert "<a " not in ref.html and "javascript:alert(1)" in ref.html


def test_field_a_style_needs_is_an_error(tmp_path):
    path = write(tmp_path, "@book{b,\n author={Doe, Jane},\n title={T},\n year={2021}\n}\n")
    bib = bibliography.load(path, "refs.bib")
    with pytest.raises(bibliography.MissingFieldError) as caught:
        bibliography.format_references(["b"], bib.entries, style="plain", author_year=False)
    assert str(caught.value) == "entry 'b' has no 'publisher' field, which style 'plain' needs"
    assert caught.value.key == "b" and bib.lines["b"] == 1


def test_syntax_error_has_line_and_column(tmp_path):
    path = write(tmp_path, "@article{a,\n  title = {x},\n}\n\n@article{b,\n  title = x y,\n}\n")
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(path, "refs.bib")
    assert str(caught.value).startswith("refs.bib:6:")
    assert "BibTeX syntax error" in str(caught.value)


def test_duplicate_keys_name_both_lines(tmp_path):
    path = write(tmp_path, "@article{a,\n title={x},\n}\n\n@book{a,\n title={y},\n}\n")
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(path, "refs.bib")
    assert str(caught.value) == "refs.bib:5: duplicate key 'a' (first defined on line 1)"


def test_missing_file(tmp_path):
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(tmp_path / "nope.bib", "nope.bib")
    assert str(caught.value) == "nope.bib: bibliography file not found"


def test_parsed_once_until_changed(tmp_path, monkeypatch):
    path = write(tmp_path, "@article{a,\n title={x},\n year={2000}\n}\n")
    first = bibliography.load(path, "refs.bib")
    assert bibliography.load(path, "refs.bib") is first
    path.write_text("@article{b,\n title={y},\n year={2001}\n}\n")
    assert set(bibliography.load(path, "refs.bib").entries) == {"b"}
