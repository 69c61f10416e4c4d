"""What a page's conversion and search entries are kept by between builds
(`explaining_machines.pages.conversions`)."""

from __future__ import annotations

import pytest

from explaining_machines import memo
from explaining_machines.pages.conversions import Conversion, Conversions, Indexed, describe
from explaining_machines.source import snippets

SITE = [("a.md", "a/index.html", "a/"), ("b.md", "b/index.html", "b/")]


def _in(folder, **settings) -> snippets.Includes:
    """What pymdownx.snippets includes with `folder` as its one base path."""
    return snippets.Includes({"base_path": [str(folder)], **settings})


def _conversions(site=SITE, configuration=("toc",), store=None) -> Conversions:
    conversions = Conversions(store or memo.Memo(memo.Path("/nonexistent/conversions.json"), "code"))
    conversions.begin(site, describe(list(configuration), {}))
    return conversions


def test_the_key_changes_with_every_input(tmp_path):
    (tmp_path / "s.py").write_text("x = 1\n")
    page = '# A\n\n--8<-- "s.py"\n'
    key = _conversions().key("a.md", "a/", page, _in(tmp_path))
    assert key == _conversions().key("a.md", "a/", page, _in(tmp_path))
    assert key != _conversions().key("b.md", "a/", page, _in(tmp_path))
    assert key != _conversions().key("a.md", "a/2/", page, _in(tmp_path))  # the page's own URL
    assert key != _conversions().key("a.md", "a/", page + "\n", _in(tmp_path))
    assert key != _conversions(site=SITE[:1]).key("a.md", "a/", page, _in(tmp_path))  # another page's URL
    assert key != _conversions(configuration=("toc", "footnotes")).key("a.md", "a/", page, _in(tmp_path))
    other_code = Conversions(memo.Memo(memo.Path("/nonexistent/conversions.json"), "other code"))
    other_code.begin(SITE, describe(["toc"], {}))
    assert key != other_code.key("a.md", "a/", page, _in(tmp_path))  # a library's version, the project's extension
    (tmp_path / "s.py").write_text("x = 2\n")
    assert key != _conversions().key("a.md", "a/", page, _in(tmp_path))  # the snippet's file


def test_what_snippets_include_is_followed_or_the_page_is_not_kept(tmp_path):
    (tmp_path / "s.py").write_text("# --8<-- [start:one]\nx = 1\n# --8<-- [end:one]\n")
    (tmp_path / "nested.md").write_text('--8<-- "s.py"\n')
    (tmp_path / "block.md").write_text("Intro\n\n--8<--\ns.py\n--8<--\n")  # includes s.py in the block form
    (tmp_path / "crlf.md").write_text("--8<--\r\ns.py\r\n--8<--\r\n", newline="")
    assert _in(tmp_path)('--8<-- "s.py:one"\n;--8<-- "escaped.py"\n') == [tmp_path / "s.py"]
    (tmp_path / "part.md").write_text("--8<-- [start:one]\nText\n--8<-- [end:one]\n")  # sections, no snippet
    assert _in(tmp_path)('--8<-- "part.md:one"\n') == [tmp_path / "part.md"]
    for page in ["--8<--\ns.py\n--8<--\n", '--8<-- "nested.md"\n', '--8<-- "block.md"\n', '--8<-- "crlf.md"\n',
                 '--8<-- "https://example.org/x"\n', '--8<-- "missing.py"\n']:  # fmt: skip
        assert _in(tmp_path)(page) is None, page
        assert _conversions().key("a.md", "a/", page, _in(tmp_path)) is None


def test_a_conversion_is_kept_in_the_memo_file_and_read_back_whole(tmp_path):
    path = tmp_path / "conversions.json"
    made = Conversion("<p>a</p>", [{"level": 1, "id": "a", "name": "A", "children": []}], "A", frozenset({"a"}),
                      {"b.md": {"s": "b.md#s"}}, (("mkdocs.structure.pages", 30, "a warning"),))  # fmt: skip
    first = Conversions(memo.Memo(path, "code"))
    first.begin(SITE, describe(["toc"], {}))
    key = first.key("a.md", "a/", "# A\n", _in(tmp_path))
    assert first.get(key) is None
    first.put(key, made)
    first.store.save()
    second = Conversions(memo.Memo(path, "code"))
    assert second.store.load() is None
    second.begin(SITE, describe(["toc"], {}))
    assert second.get(key) == made and (second.reused, second.converted) == (1, 0)
    changed = Conversions(memo.Memo(path, "the code changed"))
    changed.store.load()
    assert changed.get(key) is None  # the file is another code's: nothing in it is read


def test_an_entry_that_is_not_a_conversion_is_dropped(tmp_path):
    conversions = _conversions(store=memo.Memo(tmp_path / "c.json", "code"))
    for foreign in ({"html": 1}, ["x"], {"html": "x", "toc": [], "title": None, "anchors": [1], "links": None,
                                          "warnings": []}):  # fmt: skip
        conversions.store.put("k", foreign)
        assert conversions.get("k") is None and conversions.store.get("k") is None


def test_a_configuration_other_processes_cannot_describe_keeps_nothing():
    from explaining_machines.mathml import MathMLExtension

    assert describe(["toc", "pymdownx.snippets", "markdown.extensions.abbr"], {"toc": {"permalink": True}})
    assert describe(["toc", MathMLExtension()], {}) is not None  # its class, its module's source, its settings
    assert describe(["toc"], {"toc": {"permalink": True}}) != describe(["toc"], {"toc": {"permalink": False}})
    assert describe(["toc"], {"toc": {"slugify": lambda text: text}}) is None  # a function's repr holds its address
    assert describe(["toc"], {}, {"x": object()}) is None
    for unknown in ("no_such_extension", "markdown_include.include", "pymdownx.b64", "material.extensions.emoji"):
        assert describe(["toc", unknown], {}) is None, unknown  # they may read files no key names
    from markdown.extensions.toc import TocExtension

    assert describe([TocExtension(permalink=True)], {}) is None  # an instance, not of this project's code
    conversions = _conversions()
    conversions.begin(SITE, None)
    assert conversions.key("a.md", "a/", "# A\n", None) is None


def test_search_entries_are_copies_and_only_plain_ones_are_kept(tmp_path):
    indexed = Indexed(memo.Memo(tmp_path / "search.json", "code"))
    key = indexed.key("<p>x</p>", "a/", "A", {"tags": ["t"]}, [("s", "#s")])
    assert key != indexed.key("<p>x</p>", "a/", "A", {"tags": ["u"]}, [("s", "#s")])
    assert key != indexed.key("<p>x</p>", "a/", "A", {"tags": ["t"]}, [("s", "#t")])
    assert indexed.key("<p>x</p>", "a/", "A", {"x": object()}, []) is None
    entries = [{"location": "a/", "title": "A", "text": "x", "tags": ["t"]}]
    indexed.put(key, entries)
    indexed.store.save()
    again = Indexed(memo.Memo(tmp_path / "search.json", "code"))
    memo._RECENT.clear()  # read the file, as the next process does
    again.store.load()
    found = again.get(key)
    assert list(found[0]) == ["location", "title", "text", "tags"]  # in Material's order, as it writes them
    found[0]["tags"].append("changed")
    assert again.get(key) == entries and again.reused == 2
    import datetime

    other = indexed.key("<p>y</p>", "b/", "B", {}, [])
    indexed.put(other, [{"location": "b/", "boost": datetime.date(2024, 1, 1)}])
    assert indexed.get(other) is None  # JSON would not give the date back


@pytest.mark.parametrize("entry", [[[["location", "a/"]], "y"], [[[1, "a/"]]], [["x"]], "x", 1])
def test_a_search_entry_of_the_wrong_shape_is_dropped(tmp_path, entry):
    indexed = Indexed(memo.Memo(tmp_path / "search.json", "code"))
    indexed.store.put("k", entry)
    assert indexed.get("k") is None and indexed.store.get("k") is None


def test_the_files_snippets_add_to_every_page_are_in_every_key(tmp_path):
    (tmp_path / "glossary.md").write_text("*[SHAP]: SHapley Additive exPlanations\n")
    key = _conversions().key("a.md", "a/", "# A\n", _in(tmp_path, auto_append=["glossary.md"]))
    assert key is not None and key != _conversions().key("a.md", "a/", "# A\n", _in(tmp_path))
    (tmp_path / "glossary.md").write_text("*[SHAP]: Shapley values\n")
    assert key != _conversions().key("a.md", "a/", "# A\n", _in(tmp_path, auto_append=["glossary.md"]))


def test_a_conversion_whose_table_of_contents_is_not_one_is_dropped(tmp_path):
    conversions = _conversions(store=memo.Memo(tmp_path / "c.json", "code"))
    entry = {"html": "x", "title": None, "anchors": None, "links": None, "warnings": []}
    good = [{"level": 2, "id": "a", "name": "A", "children": [{"level": 3, "id": "b", "name": "B", "children": []}]}]
    conversions.store.put("k", {**entry, "toc": good})
    assert conversions.get("k").toc == good
    for toc in ([1], [{"level": 2, "id": "a", "name": "A"}], [{**good[0], "children": [{"id": 1}]}]):
        conversions.store.put("k", {**entry, "toc": toc})
        assert conversions.get("k") is None, toc


def test_what_a_conversion_can_say_is_part_of_its_key(monkeypatch):
    import logging

    from explaining_machines.pages.conversions import verbosity

    normal = describe(["toc"], {}, verbosity())
    monkeypatch.setattr(logging.getLogger("mkdocs"), "level", logging.ERROR)  # as `mkdocs build -q` sets it
    assert describe(["toc"], {}, verbosity()) != normal  # a quiet build keeps its own (warning-less) conversions


def test_a_warning_nobody_handles_is_printed_while_kept_as_when_said_again(capsys, monkeypatch):
    import logging

    from explaining_machines.pages.conversions import said

    monkeypatch.setattr(logging.root, "handlers", [])  # as in `mkdocs build`: MkDocs handles only its own loggers
    with said() as kept:
        logging.getLogger("some.extension").warning("odd input")
        logging.getLogger("some.extension").info("detail")  # below the root's level: made by no one
    assert kept == [("some.extension", logging.WARNING, "odd input")]
    assert capsys.readouterr().err == "odd input\n"  # Python's last resort, as without `said`
    logging.getLogger("some.extension").warning("odd input")  # how a reused conversion says it
    assert capsys.readouterr().err == "odd input\n"


def test_an_excerpt_is_kept_by_its_snippets_bytes_and_says_its_warnings_again(tmp_path, caplog):
    import logging

    from explaining_machines.pages.excerpts import ExcerptMemo

    (tmp_path / "snip.txt").write_text("first\n")
    made = []

    class Md:
        toc_tokens: list = []

    def convert(text):
        made.append(text)
        logging.getLogger("mkdocs.structure.pages").warning("a link to nowhere")
        return "<p>" + (tmp_path / "snip.txt").read_text() + "</p><!-- more --><p>rest</p>"

    def excerpt(store):
        return ExcerptMemo(store, "site", "<!-- more -->", _in(tmp_path)).convert(convert, Md(), page, "blog/", "p/")

    page, store = '--8<-- "snip.txt"\n\n<!-- more -->\n', memo.Memo(tmp_path / "e.json", "code")
    with caplog.at_level(logging.INFO):
        first = excerpt(store)
        again = excerpt(store)
    assert first.startswith("<p>first") and again == first.replace("<p>rest</p>", " ") and len(made) == 1
    assert [r.getMessage() for r in caplog.records] == ["a link to nowhere"] * 2  # converted, then reused
    (tmp_path / "snip.txt").write_text("second\n")
    assert excerpt(store).startswith("<p>second") and len(made) == 2
    unkept = ExcerptMemo(store, None, "<!-- more -->", _in(tmp_path))  # a configuration that cannot be told
    unkept.convert(convert, Md(), page, "blog/", "p/")
    assert len(made) == 3


def test_the_files_followed_are_the_ones_pymdownx_snippets_reads(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (second / "x.md").write_text("x\n")
    both = snippets.Includes({"base_path": [str(first), str(second)]})
    assert both('--8<-- "x.md"\n') == [second / "x.md"]
    (first / "x.md").mkdir()  # the extension now takes a/x.md, which is no file to read
    assert both('--8<-- "x.md"\n') is None
    assert both('--8<-- " \tx.md "\n') is None  # the path is stripped, as the extension strips it
    (tmp_path / "outside.md").write_text("o\n")
    assert both('--8<-- "../outside.md"\n') is None  # restrict_base_path: under no base path
    (second / "f\x0cg.md").write_text("f\n")  # a form feed splits no line for Python-Markdown
    assert both('--8<-- "f\x0cg.md"\n') == [second / "f\x0cg.md"]
    (second / "bom.md").write_text('\ufeff--8<-- "x.md"\n', encoding="utf-8")
    assert both('--8<-- "bom.md"\n') == [second / "bom.md"]  # read as utf-8, the mark hides the line from it too
    sig = snippets.Includes({"base_path": [str(second)], "encoding": "utf-8-sig"})
    assert sig('--8<-- "bom.md"\n') is None  # read as utf-8-sig: a nested snippet, not followed
    (second / "wide.md").write_text('--8<-- "x.md"\n', encoding="utf-16")
    assert snippets.Includes({"base_path": [str(second)], "encoding": "utf-16"})('--8<-- "wide.md"\n') is None


def test_a_verbose_build_keeps_the_debug_lines_it_makes(monkeypatch):
    import logging

    from explaining_machines.pages.conversions import said

    pages = logging.getLogger("mkdocs.structure.pages")
    monkeypatch.setattr(pages, "level", logging.DEBUG)  # as `mkdocs build -v` lets them through
    with said() as kept:
        pages.debug("a link to an excluded page")
    assert kept == [("mkdocs.structure.pages", logging.DEBUG, "a link to an excluded page")]


def test_the_forks_warnings_are_kept_and_its_levels_keyed(monkeypatch):
    import logging

    from explaining_machines.pages.conversions import said, verbosity

    fork = logging.getLogger("properdocs")  # ProperDocs' modules log under their own name
    monkeypatch.setattr(fork, "propagate", False)  # as ProperDocs sets its logger up
    monkeypatch.setattr(fork, "handlers", [logging.NullHandler()])
    with said() as kept:
        logging.getLogger("properdocs.structure.pages").warning("a link to nowhere")
    assert kept == [("properdocs.structure.pages", logging.WARNING, "a link to nowhere")]
    before = verbosity()
    monkeypatch.setattr(fork, "level", logging.ERROR)  # `properdocs build -q`
    assert verbosity() != before


def test_only_the_converting_threads_records_are_kept_and_a_bad_call_does_not_raise(monkeypatch):
    import logging
    import threading

    from explaining_machines.pages.conversions import said

    monkeypatch.setattr(logging, "raiseExceptions", False)  # logging's own report of a bad call, silenced here
    with said() as kept:
        server = threading.Thread(target=lambda: logging.getLogger("mkdocs.livereload").info("Browser connected"))
        server.start(), server.join()  # mkdocs serve's request threads log while a page converts
        logging.getLogger("mkdocs.structure.pages").warning("two %s %s", "arguments")  # one too few
        logging.getLogger("mkdocs.structure.pages").warning("kept")
    assert kept == [("mkdocs.structure.pages", logging.WARNING, "kept")]
    assert describe(["pymdownx.snippets:SnippetExtension"], {}) is None  # a class named after the colon
