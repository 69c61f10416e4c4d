"""The scholarly apparatus on its own, without MkDocs: pages as files in a folder."""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

import pybtex.database
import pytest

from explaining_machines import settings
from explaining_machines.citations import citepost
from explaining_machines.citations.apparatus import Apparatus
from explaining_machines.errors import SourceError

BIB = """@article{rudin2019stop,
  author = {Rudin, Cynthia},
  title = {Stop Explaining Black Box Machine Learning Models},
  journal = {Nature Machine Intelligence},
  year = {2019},
  volume = {1},
  pages = {206--215}
}

@book{nopub,
  author = {Doe, Jane},
  title = {A Book Without a Publisher},
  year = {2021}
}
"""


def apparatus(tmp_path: Path, pages: dict[str, str], **citations) -> tuple[Apparatus, list]:
    """An apparatus over `pages` (source URI -> Markdown) in tmp_path/docs, all read and checked."""
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    reported = []
    project = settings.load({"citations": citations} if citations else {}, tmp_path)
    result = Apparatus(project, lambda level, message: reported.append((level, message)))
    for uri, text in pages.items():
        path = tmp_path / "docs" / uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        result.read(uri, path, text)
    result.check()
    return result, reported


def test_a_page_is_read_with_its_labels_citations_and_title(tmp_path):
    found, reported = apparatus(tmp_path, {"a.md": "# Alpha\n\nSee [@rudin2019stop].\n"})
    page = found.pages["a.md"]
    assert (page.where, page.first_line, page.cited, page.labels.title) == ("docs/a.md", 1, ["rudin2019stop"], "Alpha")
    assert reported == []


KNOWN_TAGS = (
    "(known tags: bibliography, cite, figure, raw, value); to show a tag as text, put it between {% raw %} and "
    "{% endraw %} or in backticks"
)
POST = "---\ntitle: 'A'\ndate: 2024-01-02\n---\n\n# The post\n\n"  # the body starts on line 8
CANNOT_BUILD = [
    ('{% cit "x" %}', f"docs/a.md:8: unknown tag '{{% cit %}}' {KNOWN_TAGS}"),
    ('{% figur "shap-digit" %}', f"docs/a.md:8: unknown tag '{{% figur %}}' {KNOWN_TAGS}"),
    ("text {% endraw %}", "docs/a.md:8: '{% endraw %}' without a '{% raw %}' before it"),
    ("{% raw %} and no end", "docs/a.md:8: '{% raw %}' without '{% endraw %}'"),
    ('Text.\n\n{% cite "rudin2019stop"\n\n```\n%}\n```\n',
     "docs/a.md:10: unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
    ("See [@rudin2019stpo].", "docs/a.md:8: unknown citation key 'rudin2019stpo'; did you mean 'rudin2019stop'?"),
    ("See [@Rudin2019Stop].", "docs/a.md:8: unknown citation key 'Rudin2019Stop'; did you mean 'rudin2019stop'?"),
    ("See [@zzzz].", "docs/a.md:8: unknown citation key 'zzzz' (not in references.bib)"),
    ("[@rudin2019stop](https://example.org)", "docs/a.md:8: '[@rudin2019stop](' reads as both a citation and a "
     "link; write '[@rudin2019stop] (' for a citation followed by text, or '[\\@rudin2019stop](' for a link"),
    ("{% bibliography %}\n\n{% bibliography %}\n",
     "docs/a.md:10: '{% bibliography %}' is written twice: on line 8 and on line 10"),
    ("See @eq-frist.\n\n$$ x $$ {#eq-first}\n",
     "docs/a.md:8: unknown label 'eq-frist'; did you mean 'eq-first'? (known equation labels: eq-first)"),
    ('{% figure "shap-digit" id="fig-a" %}\n\nSee [-@fig-b].\n',
     "docs/a.md:10: unknown label 'fig-b'; did you mean 'fig-a'? (known figure labels: fig-a)"),
    ("$$ x $$ {#eq-one}\n\ntext\n\n$$ y $$ {#eq-one}\n",
     "docs/a.md:12: label 'eq-one' is defined twice: on line 8 and on line 12"),
    ("$$ x $$ {#equation-one}\n", "docs/a.md:8: the label of an equation starts with 'eq-' and holds letters, "
     "digits, - and _: got 'equation-one'"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), CANNOT_BUILD, ids=[body for body, _ in CANNOT_BUILD])
def test_what_cannot_be_built_names_file_and_line(tmp_path, body, message):
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": POST + body})
    assert str(error.value) == message


def test_a_figure_id_that_is_no_label_names_file_and_line(tmp_path):
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": POST + '{% figure "shap-digit" id="seven" %}\n'})
    assert str(error.value) == (
        "docs/a.md:8: a figure's id starts with 'fig-' and holds letters, digits, - and _: got 'seven'"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "---\nbibliography: missing.bib\n---\n# A\n\n[@x]\n",
            "docs/a.md:2: bibliography file 'missing.bib' not found (looked beside the page and in the project root)",
        ),
        ("---\nbibliography: [3]\n---\n# A\n\n[@x]\n", "docs/a.md:2: 'bibliography' must be a path or a list of paths"),
        ("---\ntitle: [unclosed\n---\n\n# P\n", "docs/a.md:3: invalid YAML in front matter: expected ',' or ']', "
         "but got '<stream end>'"),
    ],
)  # fmt: skip
def test_a_page_whose_front_matter_or_bibliography_cannot_be_read_names_file_and_line(tmp_path, text, message):
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": text})
    assert str(error.value) == message


def test_a_key_on_a_page_with_an_empty_bibliography_list_says_so(tmp_path):
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": "---\nbibliography: []\n---\n# A\n\n[@x]\n"})
    assert str(error.value).startswith("docs/a.md:6: unknown citation key 'x'") and "not in no" not in str(error.value)


def test_a_bib_file_that_is_no_text_names_its_line(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "bad.bib").write_bytes(b"@misc{a, title={ok}}\n@misc{b, title={\xff}}\n")
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": "---\nbibliography: bad.bib\n---\n# A\n\n[@a]\n"})
    assert str(error.value) == "docs/bad.bib:2: not valid UTF-8"


def test_an_unknown_key_fails_after_every_page_is_read(tmp_path):
    with pytest.raises(SourceError, match=r"^docs/b\.md:5: unknown citation key 'rudin2019'"):
        apparatus(tmp_path, {"a.md": "# A\n\n[@rudin2019stop]\n", "b.md": "# B\n\nText.\n\nSee [@rudin2019].\n"})


def test_a_reference_to_another_page_names_it(tmp_path):
    pages = {
        "a.md": "# Alpha\n\n$$\nx = 1\n$$ {#eq-one}\n",
        "blog/b.md": "# Beta\n\nAs @eq-one shows.\n",
    }
    found, _ = apparatus(tmp_path, pages)
    rendered = found.render("blog/b.md", pages["blog/b.md"])
    assert "Equation 1 in *Alpha*" in rendered and "../a.md#eq-one" in rendered


def test_a_bib_problem_is_reported_once_with_the_pages_that_cite_the_entry(tmp_path):
    pages = {"a.md": "# A\n\n[@nopub]\n", "b.md": "# B\n\n[@nopub]\n", "c.md": "# C\n\n[@nopub]\n"}
    found, reported = apparatus(tmp_path, pages, style="plain")
    found.site_page("references/", {"a.md": "a/", "b.md": "b/", "c.md": "c/"})
    for uri, text in pages.items():
        found.render(uri, text)
    message = (
        "references.bib:10: entry 'nopub' has no 'publisher' field, which style 'plain' needs; shown without it "
        "(cited in docs/a.md and 2 other pages)"
    )
    assert reported == [(logging.WARNING, message)]


def test_bib_problems_can_be_information(tmp_path):
    found, reported = apparatus(tmp_path, {"a.md": "# A\n\n[@nopub]\n"}, style="plain", bib_problems="info")
    found.render("a.md", "# A\n\n[@nopub]\n")
    assert [level for level, _ in reported] == [logging.INFO]


def test_the_site_page_links_each_entry_to_each_citing_page(tmp_path):
    found, _ = apparatus(tmp_path, {"a.md": "# A\n\n[@rudin2019stop]\n", "blog/b.md": "# B\n\n@rudin2019stop says\n"})
    page = found.site_page("references/", {"a.md": "a/", "blog/b.md": "blog/b/"})
    assert 'href="../a/#cite-a-rudin2019stop-1"' in page and 'href="../blog/b/#cite-b-rudin2019stop-1"' in page
    flat = found.site_page("references.html", {"a.md": "a.html", "blog/b.md": "blog/b.html"})  # no directory URLs
    assert 'href="a.html#cite-a-rudin2019stop-1"' in flat and 'href="blog/b.html#cite-b-rudin2019stop-1"' in flat


def test_a_page_without_title_or_heading_is_named_as_the_engine_names_it(tmp_path):
    found, _ = apparatus(tmp_path, {"a.md": "Text.\n", "b.md": "---\ntitle: Bee\n---\nText.\n"})
    assert found.pages["a.md"].labels.title == "a" and found.pages["b.md"].labels.title == "Bee"
    found.read("c/README.md", tmp_path / "docs" / "a.md", "Text.\n", name="index")
    assert found.pages["c/README.md"].labels.title == "index"


def test_front_matter_that_cannot_be_read_names_its_line(tmp_path):
    with pytest.raises(SourceError) as error:
        apparatus(tmp_path, {"a.md": "---\ntitle: A\ntitle: B\n---\n# A\n"})
    assert str(error.value) == "docs/a.md:3: 'title' is given twice in the front matter (first on line 2)"


def test_a_post_gets_its_bib_file_beside_it_and_its_scholar_tags(tmp_path):
    found, _ = apparatus(tmp_path, {"blog/posts/p.md": "# P\n\nSee [@rudin2019stop].\n"})
    post = citepost.Post(
        title="P",
        authors=["Ada Lovelace"],
        date=datetime.date(2024, 2, 4),
        url="https://example.org/blog/p/",
        site="Site",
        slug="p",
    )
    path, text = found.add_post("blog/posts/p.md", post, "blog/p/index.html")
    assert path.startswith("blog/p/") and path.endswith(".bib")
    [entry] = pybtex.database.parse_string(text, "bibtex").entries.values()
    assert entry.fields["url"] == "https://example.org/blog/p/"
    found.render("blog/posts/p.md", "# P\n\nSee [@rudin2019stop].\n")
    head = found.head("blog/posts/p.md", "<html><head><title>P</title></head><body></body></html>")
    assert '<meta name="citation_author" content="Ada Lovelace">' in head
    assert head.count('name="citation_reference"') == 1
    assert found.head("other.md", "<html><head></head></html>") == "<html><head></head></html>"


def test_a_near_miss_of_a_key_is_a_warning_once_per_page(tmp_path):
    pages = {"a.md": POST + "As @rudin2019stpo says, and @rudin2019stpo again; mail me@rudin2019stpo.org.\n"}
    _, reported = apparatus(tmp_path, pages)
    assert reported == [
        (
            logging.WARNING,
            "docs/a.md:8: '@rudin2019stpo' is no citation key; did you mean '@rudin2019stop'? "
            "(write \\@rudin2019stpo for the text itself)",
        )
    ]


@pytest.mark.parametrize(("bib_problems", "level"), [(None, logging.WARNING), ("info", logging.INFO)])
def test_every_problem_of_a_bib_file_is_reported_once_at_the_level_set(tmp_path, bib_problems, level):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "own.bib").write_text(
        "@misc{a, title={A}}\n@misc{a, title={Again}}\n@misc{b, title={B}, title={Twice}}\n@misc{c, title={C}\n",
        encoding="utf-8",
    )
    page = "---\nbibliography: own.bib\n---\n# A\n\n[@a; @b]\n"
    options = {"bib_problems": bib_problems} if bib_problems else {}
    _, reported = apparatus(tmp_path, {"a.md": page, "b.md": page}, **options)
    assert reported == [
        (level, "docs/own.bib:2: duplicate key 'a' (first defined on line 1); this one is ignored"),
        (level, "docs/own.bib:3: entry 'b' has a duplicate 'title' field; the first value is used"),
        (level, "docs/own.bib:5:1: BibTeX syntax error: premature end of file; entry 'c' (line 4) is skipped"),
    ]
