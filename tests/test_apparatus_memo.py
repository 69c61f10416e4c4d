"""The scholarly apparatus with its memo: a second build from the same inputs reads no .bib file,
renders the same pages, reports the same problems, and an input that changes is done again."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from explaining_machines import settings
from explaining_machines.citations import bibtex
from explaining_machines.citations.apparatus import Apparatus, rendering_memo

BIB = """@article{rudin2019stop,
  author = {Rudin, Cynthia},
  title = {Stop Explaining Black Box Machine Learning Models},
  journal = {Nature Machine Intelligence},
  year = {2019}
}
"""
PAGES = {
    "a.md": "# Alpha\n\nSee [@rudin2019stop] and @rudin2019stpo.\n\n$$ x $$ {#eq-one}\n",
    "b.md": "# Beta\n\nAs [@eq-one] shows.\n",
}


def build(tmp_path: Path, pages: dict[str, str] = PAGES, bib: str = BIB) -> tuple[dict[str, str], str, list]:
    """One build's apparatus over `pages`: the rendered pages, the References page and what it reported."""
    (tmp_path / "references.bib").write_text(bib, encoding="utf-8")
    store = rendering_memo(tmp_path / "memo.json")
    reported = [(logging.INFO, problem)] if (problem := store.load()) else []
    found = Apparatus(settings.load({}, tmp_path), lambda level, message: reported.append((level, message)), store)
    for uri, text in pages.items():
        path = tmp_path / "docs" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        found.read(uri, path, text)
    found.check()
    site = found.site_page("references/", {uri: uri.removesuffix(".md") + "/" for uri in pages})
    rendered = {uri: found.render(uri, text) for uri, text in pages.items()}
    store.save()
    return rendered, site, reported


def test_a_second_build_is_the_same_and_reads_no_bib_file(tmp_path, monkeypatch):
    first = build(tmp_path)
    near = "'@rudin2019stpo' is no citation key; did you mean '@rudin2019stop'? (write \\@rudin2019stpo for the text"
    assert first[2] == [(logging.WARNING, f"docs/a.md:3: {near} itself)")]
    monkeypatch.setattr(bibtex, "load", lambda *args: pytest.fail("a .bib file was parsed"))
    monkeypatch.setattr(bibtex, "format_references", lambda *args, **kwargs: pytest.fail("references formatted"))
    assert build(tmp_path) == first  # the same pages, References page and warning


def test_an_edited_page_is_done_again_and_the_others_are_not(tmp_path, monkeypatch):
    first, _, _ = build(tmp_path)
    calls = []
    format_references = bibtex.format_references
    monkeypatch.setattr(bibtex, "format_references", lambda *a, **k: calls.append(a[0]) or format_references(*a, **k))
    edited = {**PAGES, "a.md": PAGES["a.md"].replace("See", "Read")}
    again, _, _ = build(tmp_path, edited)
    assert again["b.md"] == first["b.md"] and again["a.md"] == first["a.md"].replace("See", "Read")
    assert calls == [["rudin2019stop"]]  # a.md's citations only; the References page is as it was


def test_a_changed_bib_file_formats_again(tmp_path):
    build(tmp_path)
    rendered, site, _ = build(tmp_path, bib=BIB.replace("year = {2019}", "year = {2018}"))
    assert "2018" in site and "2018" in rendered["a.md"] and "2019." not in site


def test_a_new_label_elsewhere_renders_the_pages_that_refer_to_labels_again(tmp_path):
    build(tmp_path)
    moved = {**PAGES, "a.md": PAGES["a.md"].replace("$$ x $$ {#eq-one}", "$$ y $$ {#eq-zero}\n\n$$ x $$ {#eq-one}")}
    rendered, _, _ = build(tmp_path, moved)
    assert "Equation 2" in rendered["b.md"]  # eq-one is now the second equation of a.md


def test_a_damaged_memo_gives_what_a_build_without_it_gives(tmp_path):
    first = build(tmp_path)
    memo_file = tmp_path / "memo.json"
    memo_file.write_bytes(memo_file.read_bytes().replace(b"Alpha", b"Omega"))  # keeps the JSON valid
    rendered, site, reported = build(tmp_path)
    assert (rendered, site) == first[:2]
    assert reported == [(logging.INFO, "does not match its checksum; its results are computed again"), *first[2]]
