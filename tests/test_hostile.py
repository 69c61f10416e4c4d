"""Input a careless or hostile author writes, found by an adversarial pass: each either renders
right or fails with its line, never a wrong page. One test a finding, on the plain modules."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from explaining_machines import computed
from explaining_machines.citations import (
    CitationError,
    CiteItem,
    Reference,
    bibtex,
    citepost,
    find_citations,
    render_citations,
    xref,
)
from explaining_machines.pages import head, ids, urls
from explaining_machines.source import frontmatter, mdscan

KEYS = {"rudin2019stop", "molnar2020interpretable", "lundberg2017unified"}


def items(text: str) -> list:
    return [(c.items, c.in_text) for c in find_citations(text, keys=KEYS.__contains__)]


def test_an_in_text_citation_before_a_bracketed_one_leaves_it_alone():
    assert items("@rudin2019stop [@molnar2020interpretable] argue the same.") == [
        ((CiteItem("rudin2019stop"),), True),
        ((CiteItem("molnar2020interpretable"),), False),
    ]


def test_code_in_a_citations_suffix_is_part_of_it():
    assert items("As argued [@rudin2019stop, see `predict()`; @molnar2020interpretable].") == [
        ((CiteItem("rudin2019stop", suffix=", see `predict()`"), CiteItem("molnar2020interpretable")), False)
    ]


def test_emphasised_in_text_citations_are_citations():
    assert items("_@rudin2019stop_ and __@molnar2020interpretable__") == [
        ((CiteItem("rudin2019stop"),), True),
        ((CiteItem("molnar2020interpretable"),), True),
    ]


def test_an_at_sign_in_an_address_is_no_citation():
    text = "[profile](https://example.com/@rudin2019stop) <https://example.com/@rudin2019stop> https://x.org/@rudin2019stop"
    assert items(text) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<span title="see [@rudin2019stop]">x</span>', "'[@rudin2019stop]' stands inside an HTML tag, where no "
                                                        "citation can link; write it outside the tag"),
        ("Shown [@rudin2019stop]{.aside} here.", "'[@rudin2019stop]{' reads as a citation with attributes, which it "
                                                 "cannot take; put a space after ']' if the braces are text"),
        ("{% bibliography %}\n\n{% bibliography %}\n",
         "'{% bibliography %}' is written twice: on line 1 and on line 3"),
    ],
)  # fmt: skip
def test_citations_where_no_link_can_go_fail_with_their_line(text, message):
    with pytest.raises(CitationError) as error:
        from explaining_machines.citations import check_bibliography_markers

        find_citations(text, keys=KEYS.__contains__)
        check_bibliography_markers(text)
    assert error.value.message == message


def test_a_title_with_a_pipe_or_a_backtick_keeps_the_link_whole():
    refs = {"rudin2019stop": Reference("rudin2019stop", "1", "T", "Left | right `tick", "Rudin", "2019")}
    text = "| a |\n|---|\n| [@rudin2019stop] |\n"
    page = render_citations(text, find_citations(text, keys=KEYS.__contains__), refs, author_year=False)
    assert '"Left &#124; right &#96;tick"' in page.markdown


def test_a_footnotes_second_paragraph_is_text_not_code():
    text = "[^n]: First [@rudin2019stop].\n\n    Second [@molnar2020interpretable].\n"
    assert mdscan.scan(text).literal == ()


def test_a_tagged_equation_does_not_take_a_number():
    text = "$$ a $$ {#eq-one}\n\n$$ c \\tag{A} $$ {#eq-special}\n\n$$ e $$ {#eq-three}\n"
    assert [(label.name, label.number) for label in xref.find_labels(text)] == [
        ("eq-one", "1"), ("eq-special", "A"), ("eq-three", "2")
    ]  # fmt: skip


def test_a_caption_right_before_a_table_is_its_caption():
    text = "| a |\n|---|\n| 1 |\n\nTable: Runs {#tbl-runs}\n| seed |\n|---|\n| 2 |\n"
    (label,) = xref.find_labels(text)
    numbered = xref.number_page(text, 1, {label.name: label})
    assert numbered.index('<figure class="numbered-table" id="tbl-runs"') < numbered.index("| seed |")
    assert numbered.index("| a |") < numbered.index("<figure")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("Inline $$ m $$ {#eq-x} in a sentence.\n", 1,
         "the label {#eq-x} must stand after the closing $$ of a display equation that starts its line; here it "
         "would show as text"),
        ("- item\n\n    | a |\n    |---|\n    | 1 |\n\n    : In a list {#tbl-list}\n", 7,
         "a numbered table must start its line, outside lists, admonitions and other indented blocks, where its "
         "caption cannot be shown"),
    ],
)  # fmt: skip
def test_a_label_that_would_show_as_text_fails_with_its_line(text, line, message):
    with pytest.raises(xref.XrefError) as error:
        xref.find_labels(text)
    assert (error.value.line, error.value.message) == (line, message)


def test_an_equation_label_in_a_blockquote_numbers_it():
    (label,) = xref.find_labels("> $$ E = mc^2 $$ {#eq-energy}\n")
    assert (label.name, label.number) == ("eq-energy", "1")


def test_a_figure_tag_in_a_list_fails_with_its_line():
    with pytest.raises(computed.TagError) as error:
        computed.find_figure_tags('- In a list:\n\n    {% figure "feature-importance" %}\n')
    assert error.value.line == 3 and "outside lists, admonitions" in error.value.message


def test_the_root_path_rewrite_touches_tags_only():
    html = '<p><code>&lt;img src="/x.png"&gt;</code> In HTML href="/index.html" <img src="/a.png" alt="x"></p>'
    assert urls.rewrite(html, "p/") == (
        '<p><code>&lt;img src="/x.png"&gt;</code> In HTML href="/index.html" <img src="../a.png" alt="x"></p>'
    )


def test_the_root_path_rewrite_keeps_a_data_url_in_a_srcset_whole():
    html = '<img srcset="data:image/png;base64,AA,BB 1x, /b.png 2x" src="/a.png">'
    assert (
        urls.rewrite(html, "blog/p/")
        == '<img srcset="data:image/png;base64,AA,BB 1x, ../../b.png 2x" src="../../a.png">'
    )


@pytest.mark.parametrize(
    ("target", "page", "link"),
    [
        ("blog/x.md", "blog/y.md", "x.md"),
        ("assets/a.png", "blog/posts/p.md", "../../assets/a.png"),
        ("blog/x/", "references/", "../blog/x/"),
        ("blog/x/", "references.html", "blog/x/"),
        ("", "blog/x/", "../../"),
    ],
)
def test_one_relative_link_helper_for_source_paths_and_site_urls(target, page, link):
    assert urls.relative(target, page) == link


def test_ids_repeated_on_a_page_of_excerpts_are_numbered():
    assert ids.make_unique('<a id="x"></a><div id="x"><p id="x-2"></p></div>') == (
        '<a id="x"></a><div id="x-3"><p id="x-2"></p></div>'
    )


def test_cite_this_post_bibtex_parses_whatever_the_title():
    from pybtex.database import parse_string

    post = citepost.Post("Sets: the { character & 50% _x_ ~ ^", ["Ann Lee"], datetime.date(2024, 1, 2), "https://x/y/",
                         "Site", "sets")  # fmt: skip
    (entry,) = parse_string(citepost.bibtex(post), "bibtex").entries.values()
    assert entry.fields["url"] == "https://x/y/"


def test_a_front_matter_key_given_twice_names_the_second_line():
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.check("---\ntitle: a\ndescription: x\ndescription: y\n---\n")
    assert (error.value.line, error.value.message) == (
        4, "'description' is given twice in the front matter (first on line 3)"
    )  # fmt: skip


def test_unknown_latex_in_a_bib_field_is_a_problem_and_known_boxes_render(tmp_path: Path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{a, author={Doe, Jane}, title={{\\noop{a}}Sorted with \\textsc{SHAP} and \\mbox{x} and \\foo{y}},"
        " journal={J}, year={2020}}\n"
    )
    library = bibtex.Library([bibtex.load(bib, "refs.bib")])
    refs, problems = bibtex.format_references(["a"], library, style="plain", author_year=False)
    assert "Sorted with SHAP and x and \\foo" in refs["a"].text
    assert [str(p) for p in problems] == ["refs.bib:1: entry 'a': unknown LaTeX command \\foo; shown as TeX"]


def test_a_page_without_description_is_summed_up_by_its_first_paragraph():
    html = '<h1>T</h1><p>First <a href="#x">Equation 1</a> &amp; more.</p><p>Second.</p>'
    assert head.summary(html) == "First Equation 1 & more."


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "authors:\n  ada:\n    name: Ada Lovelace\n  bob: {}\n  cy:\n",
            {"ada": "Ada Lovelace", "bob": "bob", "cy": "cy"},
        ),
        ("authors:\n  ada: just a string\n", {"ada": "ada"}),
        ("- a list\n", {}),
        ("", {}),
    ],
)
def test_the_blog_authors_file_as_written(tmp_path, text, names):
    (tmp_path / ".authors.yml").write_text(text, encoding="utf-8")
    assert frontmatter.authors(tmp_path / ".authors.yml") == names


def test_an_authors_file_that_is_no_yaml_names_its_line_and_a_missing_one_has_none(tmp_path):
    (tmp_path / ".authors.yml").write_text("authors:\n  ada:\n    name: [Ada\n", encoding="utf-8")
    with pytest.raises(frontmatter.FrontMatterError) as error:
        frontmatter.authors(tmp_path / ".authors.yml")
    assert (error.value.line, error.value.message) == (4, "invalid YAML in the authors file")
    assert frontmatter.authors(tmp_path / "missing.yml") == {}
