"""Cross-references on their own: the labels a page defines, and what a reference resolves to."""

from __future__ import annotations

import pytest

from explaining_machines import computed
from explaining_machines.citations import xref
from explaining_machines.citations.xref import Label, PageLabels, XrefError

TABLE = "| a |\n|---|\n| 1 |\n"


@pytest.mark.parametrize(
    ("markdown", "first", "line", "message"),
    [
        ("$$ x $$ {#eq-one}\n\ntext\n\n$$ y $$ {#eq-one}\n", 9, 13, "label 'eq-one' is defined twice: on line 9 and on "
         "line 13"),
        ('{% figure "shap-digit" id="fig-a" %}\n\n{% figure "lime-digit" id="fig-a" %}\n', 1, 3,
         "label 'fig-a' is defined twice: on line 1 and on line 3"),
        ("$$ x $$ {#equation-one}\n", 1, 1, "the label of an equation starts with 'eq-' and holds letters, digits, - "
         "and _: got 'equation-one'"),
        ("$$ x $$ {#tbl-one}\n", 1, 1, "the label of an equation starts with 'eq-' and holds letters, digits, - and _: "
         "got 'tbl-one'"),
        ("$$ x $$ {#eq-a.b}\n", 1, 1, "the label of an equation starts with 'eq-' and holds letters, digits, - and _: "
         "got 'eq-a.b'"),
        ("$$ x $$ {#eq-}\n", 1, 1, "the label of an equation starts with 'eq-' and holds letters, digits, - and _: "
         "got 'eq-'"),
        (TABLE + "\n: Runs {#eq-runs}\n", 1, 5, "the label of a table starts with 'tbl-' and holds letters, digits, - "
         "and _: got 'eq-runs'"),
        ("Text {#tbl-x} here\n", 4, 4, "the label {#tbl-x} must stand at the end of a caption line right before or "
         "after a table; here it would show as text"),
        ("Inline $$ m $$ {#eq-x} in a sentence.\n", 1, 1, "the label {#eq-x} must stand after the closing $$ of a "
         "display equation that starts its line; here it would show as text"),
        ("- item\n\n    | a |\n    |---|\n    | 1 |\n\n    : In a list {#tbl-list}\n", 1, 7, "a numbered table must "
         "start its line, outside lists, admonitions and other indented blocks, where its caption cannot be shown"),
    ],
)  # fmt: skip
def test_a_label_that_cannot_be_used_names_its_line(markdown, first, line, message):
    with pytest.raises(XrefError) as error:
        xref.find_labels(markdown, first)
    assert (error.value.line, error.value.message) == (line, message)


def test_a_figure_id_that_is_no_figure_label_is_the_figure_tags_error():
    with pytest.raises(computed.TagError) as error:
        xref.find_labels('{% figure "shap-digit" id="eq-a" %}\n')
    assert error.value.message == "a figure's id starts with 'fig-' and holds letters, digits, - and _: got 'eq-a'"


@pytest.mark.parametrize(
    "markdown",
    [
        "`$$ x $$ {#eq-x}`\n",
        "```\n$$ x $$ {#eq-x}\n```\n",
        "<!-- $$ x $$ {#eq-x} -->\n",
        "```\n" + TABLE + "\n: Runs {#tbl-x}\n```\n",
        "    Text {#tbl-x}\n",
    ],
)
def test_labels_in_code_are_text(markdown):
    assert xref.find_labels(markdown) == []


def test_each_kind_is_numbered_in_order_with_its_caption_and_line():
    markdown = (
        '{% figure "shap-digit" id="fig-a" caption="A *seven*, [see](x)." %}\n\n'
        "$$ a $$ {#eq-a}\n\n"
        f"{TABLE}\n: Runs {{#tbl-a}}\n\n"
        '{% figure "lime-digit" id="fig-b" %}\n\n'
        "$$\nb\n$$ {#eq-b}\n"
    )
    found = [
        (label.name, label.kind, label.number, label.caption, label.line) for label in xref.find_labels(markdown, 3)
    ]
    assert found == [
        ("fig-a", "fig", "1", "A seven, see.", 3),
        ("eq-a", "eq", "1", "a", 5),
        ("tbl-a", "tbl", "1", "Runs", 11),
        ("fig-b", "fig", "2", "", 13),
        ("eq-b", "eq", "2", "b", 17),
    ]


def label(name: str, number: str = "1") -> Label:
    return Label(name, name.split("-")[0], number, "caption", 3)


PAGES = {
    "a.md": PageLabels("a.md", "Alpha", {"eq-one": label("eq-one"), "fig-x": label("fig-x")}),
    "blog/b.md": PageLabels("blog/b.md", "Beta *and* [c]", {"eq-one": label("eq-one"), "eq-two": label("eq-two", "2")}),
    "c.md": PageLabels("c.md", "Gamma", {}),
}


@pytest.mark.parametrize(
    ("name", "page", "holder"),
    [
        ("eq-one", "a.md", "a.md"),  # its own page's first, though another page has one too
        ("eq-two", "a.md", "blog/b.md"),  # else the one page that defines it
        ("fig-x", "c.md", "a.md"),
        ("fig-x", "not-read.md", "a.md"),
    ],
)
def test_a_reference_resolves_to_its_own_page_first_then_the_one_that_has_it(name, page, holder):
    found, found_label = xref.resolve(name, page, PAGES, 7)
    assert (found.src_uri, found_label) == (holder, PAGES[holder].labels[name])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("eq-one", "label 'eq-one' is defined on several pages (a.md and blog/b.md); refer to it from one of them"),
        ("eq-tow", "unknown label 'eq-tow'; did you mean 'eq-two'? (known equation labels: eq-one, eq-two)"),
        ("eq-zzzzzz", "unknown label 'eq-zzzzzz' (known equation labels: eq-one, eq-two)"),
        ("fig-y", "unknown label 'fig-y'; did you mean 'fig-x'? (known figure labels: fig-x)"),
        ("tbl-x", "unknown label 'tbl-x' (known table labels: none)"),
    ],
)
def test_a_reference_that_does_not_resolve_says_what_is_known(name, message):
    with pytest.raises(XrefError) as error:
        xref.resolve(name, "c.md", PAGES, 7)
    assert (error.value.line, error.value.message) == (7, message)


@pytest.mark.parametrize(
    ("page", "name", "holder", "text", "url"),
    [
        ("a.md", "eq-one", "a.md", "Equation 1", "#eq-one"),
        ("a.md", "eq-two", "blog/b.md", "Equation 2 in *Beta &#42;and&#42; &#91;c&#93;*", "blog/b.md#eq-two"),
        ("blog/b.md", "fig-x", "a.md", "Figure 1 in *Alpha*", "../a.md#fig-x"),
    ],
)
def test_a_reference_reads_as_words_and_links_to_the_label(page, name, holder, text, url):
    assert xref.reference_text(page, PAGES[holder], PAGES[holder].labels[name]) == (text, url)
