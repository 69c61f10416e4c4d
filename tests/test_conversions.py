"""What a page's conversion is kept by under mkdocs serve (`explaining_machines.pages.conversions`)."""

from __future__ import annotations

from explaining_machines.pages.conversions import Conversion, Conversions, Indexed
from explaining_machines.source import snippets

SITE = [("a.md", "a/index.html", "a/"), ("b.md", "b/index.html", "b/")]


def _conversions(site=SITE, configuration=("toc",)) -> Conversions:
    conversions = Conversions()
    conversions.begin(site, configuration)
    return conversions


def test_the_key_changes_with_every_input(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    page = '# A\n\n--8<-- "s.py"\n'
    key = _conversions().key("a.md", page, [tmp_path])
    assert key == _conversions().key("a.md", page, [tmp_path])
    assert key != _conversions().key("b.md", page, [tmp_path])
    assert key != _conversions().key("a.md", page + "\n", [tmp_path])
    assert key != _conversions(site=SITE[:1]).key("a.md", page, [tmp_path])  # another page's URL
    assert key != _conversions(configuration=("toc", "footnotes")).key("a.md", page, [tmp_path])
    (tmp_path / "s.py").write_text("x = 2\n")
    assert key != _conversions().key("a.md", page, [tmp_path])  # the snippet's file


def test_what_snippets_include_is_followed_or_the_page_is_not_kept(tmp_path):
    (tmp_path / "s.py").write_text("# --8<-- [start:one]\nx = 1\n# --8<-- [end:one]\n")
    (tmp_path / "nested.md").write_text('--8<-- "s.py"\n')
    assert snippets.included('--8<-- "s.py:one"\n;--8<-- "escaped.py"\n', [tmp_path]) == [tmp_path / "s.py"]
    for page in ["--8<--\ns.py\n--8<--\n", '--8<-- "nested.md"\n', '--8<-- "https://example.org/x"\n',
                 '--8<-- "missing.py"\n']:  # fmt: skip
        assert snippets.included(page, [tmp_path]) is None, page
        assert _conversions().key("a.md", page, [tmp_path]) is None


def test_only_the_last_builds_conversions_are_kept():
    conversions = _conversions()
    made = Conversion("<p>a</p>", [], "A", frozenset({"a"}), None, ())
    conversions.put("k1", made)
    assert conversions.get("k1") is None  # not before the build ends
    conversions.end()
    assert conversions.get("k1") == made
    conversions.end()  # this build used k1 again: it stays
    assert conversions.get("k1") == made
    conversions.end()
    conversions.end()  # a build that did not use it
    assert conversions.get("k1") is None


def test_a_failed_build_keeps_the_last_whole_builds_conversions():
    conversions = _conversions()
    conversions.put("k1", Conversion("<p>a</p>", [], "A", None, None, ()))
    conversions.end()
    conversions.put("k2", Conversion("<p>b</p>", [], "B", None, None, ()))
    conversions.drop()
    assert conversions.get("k1") is not None and conversions.get("k2") is None


def test_search_entries_are_copies():
    indexed = Indexed()
    key = Indexed.key("<p>x</p>", "a/", "A", {"tags": ["t"]}, [("s", "#s")])
    assert key != Indexed.key("<p>x</p>", "a/", "A", {"tags": ["u"]}, [("s", "#s")])
    assert key != Indexed.key("<p>x</p>", "a/", "A", {"tags": ["t"]}, [("s", "#t")])
    entries = [{"location": "a/", "title": "A", "text": "x"}]
    indexed.put(key, entries)
    indexed.end()
    found = indexed.get(key)
    found[0]["text"] = "changed"
    assert indexed.get(key) == entries and indexed.reused == 2


def test_the_files_snippets_add_to_every_page_are_in_every_key(tmp_path):
    (tmp_path / "glossary.md").write_text("*[SHAP]: SHapley Additive exPlanations\n")
    key = _conversions().key("a.md", "# A\n", [tmp_path], appended=["glossary.md"])
    assert key is not None and key != _conversions().key("a.md", "# A\n", [tmp_path])
    (tmp_path / "glossary.md").write_text("*[SHAP]: Shapley values\n")
    assert key != _conversions().key("a.md", "# A\n", [tmp_path], appended=["glossary.md"])
