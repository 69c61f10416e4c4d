"""Citations: Pandoc's and Liquid's syntax found outside code, checked, and rendered."""

import pytest

from explaining_machines.citations import (
    CitationError,
    CiteItem,
    Reference,
    Target,
    anchor_id,
    find_citations,
    near_misses,
    place_reference_list,
    remove_bibliography_markers,
    render_citations,
    render_reference_list,
    unknown_key_message,
)

KEYS = {
    "a",
    "b",
    "item1",
    "item2",
    "item3",
    "пункт3",
    "smith04",
    "doe99",
    "a:2020.x",
    "fig-shap",
    "rudin2019stop",
    "fig-data2020",
}


def items(text, keys=KEYS):
    return [c.items for c in find_citations(text, keys=keys.__contains__)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{% cite "a" %}', [(CiteItem("a", entry=True),)]),
        ("{% cite 'a' %}", [(CiteItem("a", entry=True),)]),
        ('{% cite "a", "b" %}', [(CiteItem("a", entry=True), CiteItem("b", entry=True))]),
        ("{% cite a b %}", [(CiteItem("a", entry=True), CiteItem("b", entry=True))]),
        ('{% cite "a" -l 12 %}', [(CiteItem("a", entry=True, suffix="p. 12"),)]),  # jekyll-scholar's default label
        ("{% cite a -l 3-4 %}", [(CiteItem("a", entry=True, suffix="pp. 3-4"),)]),
        ("{% cite a -l 2 -L chapter %}", [(CiteItem("a", entry=True, suffix="chap. 2"),)]),
        ("{% cite a --label figure --locator iv %}", [(CiteItem("a", entry=True, suffix="fig. iv"),)]),
        ('{% cite a --locator "pp. 3-4" %}', [(CiteItem("a", entry=True, suffix="pp. 3-4"),)]),
        ("[@a]", [(CiteItem("a"),)]),
        ("[@a; @b]", [(CiteItem("a"), CiteItem("b"))]),
        ("[@a, p. 12]", [(CiteItem("a", suffix=", p. 12"),)]),
        ("[@a, p. 12; @b]", [(CiteItem("a", suffix=", p. 12"), CiteItem("b"))]),
        ("[@a:2020.x]", [(CiteItem("a:2020.x"),)]),
        ("[see @a, p. 4; also @b]", [(CiteItem("a", "see", ", p. 4"), CiteItem("b", "also"))]),
        ("[-@a]", [(CiteItem("a", suppress_author=True),)]),
        ("[@{odd.key.}]", [(CiteItem("odd.key.", entry=True),)]),
        ("mail [me@example.org] here", []),
        ('`{% cite "a" %}` and `[@a]`', []),
        ("\\[@a] is literal, \\@a too", []),
        ("{% raw %}[@a] {% cite a %}{% endraw %}", []),
        ("[@a; @b]: a citation followed by a colon", [(CiteItem("a"), CiteItem("b"))]),
        ("[@a][^note] a citation before a footnote reference", [(CiteItem("a"),)]),
        ("[@a] (in parentheses after a space)", [(CiteItem("a"),)]),
        ("[@handle](https://example.org) is a link to a handle", []),
        ("@a says, and @b [p. 30] adds", [(CiteItem("a"),), (CiteItem("b", suffix="p. 30"),)]),
        ("write to me@a.org or @someone", []),
        ("as @a.", [(CiteItem("a"),)]),
        ("see @fig-shap and [@fig-shap]", [(CiteItem("fig-shap"),), (CiteItem("fig-shap"),)]),
        (
            "@{fig-data2020} and [@{fig-data2020}]",
            [(CiteItem("fig-data2020", entry=True),), (CiteItem("fig-data2020", entry=True),)],
        ),
    ],
)
def test_syntax_forms(text, expected):
    assert items(text) == expected


# Pandoc's own citation test (test/markdown-citations.txt), case by case: each resolves
# and keeps its prefix, locator and suffix, with their markup.
PANDOC = [
    ("@item1 says blah.", [(CiteItem("item1"),)]),
    ("@item1 [p. 30] says blah.", [(CiteItem("item1", suffix="p. 30"),)]),
    ("A citation without locators [@item3].", [(CiteItem("item3"),)]),
    (
        "A citation group [see @item1 chap. 3; also @пункт3 p. 34-35].",
        [(CiteItem("item1", "see", "chap. 3"), CiteItem("пункт3", "also", "p. 34-35"))],
    ),
    ("Another one [see @item1 p. 34-35].", [(CiteItem("item1", "see", "p. 34-35"),)]),
    ("Some citations [see @item2 chap. 3; @пункт3; @item1].",
     [(CiteItem("item2", "see", "chap. 3"), CiteItem("пункт3"), CiteItem("item1"))]),
    ("Citation with a suffix and locator [@item1 pp. 33, 35-37, and nowhere else].",
     [(CiteItem("item1", suffix="pp. 33, 35-37, and nowhere else"),)]),
    ("Citation with suffix only [@item1 and nowhere else].", [(CiteItem("item1", suffix="and nowhere else"),)]),
    ("Like a citation without author: [-@item1], and now Doe with a locator [-@item2 p. 44].",
     [(CiteItem("item1", suppress_author=True),), (CiteItem("item2", suffix="p. 44", suppress_author=True),)]),
    ("With some markup [*see* @item1 p. **32**].", [(CiteItem("item1", "*see*", "p. **32**"),)]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), PANDOC, ids=[t[:40] for t, _ in PANDOC])
def test_pandocs_own_citation_cases(text, expected):
    assert items(text) == expected


def test_order_lines_and_contexts():
    text = 'x [@b]\n\ny {% cite "a" %}\n\n<div class="note">\nSee [@a].\n</div>\n\n[text with [@a]](https://x.org)\n'
    found = find_citations(text, first_line=10, keys=KEYS.__contains__)
    assert [(c.items[0].key, c.line, c.context) for c in found] == [
        ("b", 10, "markdown"),
        ("a", 12, "markdown"),
        ("a", 15, "html"),
        ("a", 18, "text"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('ok\n{% cite "a"', 2, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
        ("{% cite %}", 1, "empty citation: '{% cite %}' names no key"),
        ('{% cite "" %}', 1, "empty citation key"),
        ("{% cite a -x %}", 1, "unknown option '-x' in '{% cite %}'; use -l or --locator, -L or --label"),
        (
            "{% cite a -L pages %}",
            1,
            "'-L' in '{% cite %}' needs a label: page, chapter, section, figure, "
            "paragraph, volume, note, line, equation, table",
        ),
        ("a\n\n[see @]", 3, "empty citation key in '[see @]'"),
        ("text [@a more text\n\nnext", 1, "unclosed '[@' citation: expected ']'"),
        (
            "[@a](https://example.org)",
            1,
            "'[@a](' reads as both a citation and a link; write '[@a] (' for a citation followed by text, "
            "or '[\\@a](' for a link",
        ),
        ('x {% cite "a"\n\n```\n%}\n```\n', 1, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
    ],
)
def test_malformed(text, line, message):
    with pytest.raises(CitationError) as caught:
        find_citations(text, keys=KEYS.__contains__)
    assert (caught.value.line, caught.value.message) == (line, message)


def test_a_near_miss_of_a_key_is_found_for_a_warning():
    text = "As @rudin2019stpo and @Rudin2019Stop say, mail me@rudin2019stpo.org or ask @nobody."
    misses = near_misses(text, 4, sorted(KEYS))
    assert [(m.word, m.key, m.line) for m in misses] == [
        ("rudin2019stpo", "rudin2019stop", 4),
        ("Rudin2019Stop", "rudin2019stop", 4),
    ]


REFS = {
    "b": Reference("b", "1", "<em>B</em>", 'B "quoted" <script>', "Bee", "2001"),
    "a": Reference("a", "2", "A", "A (text)", "Rudin", "2019"),
}


def render(text, refs=REFS, author_year=False, **options):
    cites = find_citations(text, keys=lambda k: k in refs or k in options.get("targets", {}))
    return render_citations(text, cites, refs, author_year=author_year, **options)


def test_render_numbered_links_and_backlinks():
    page = render("See [@b] and {% cite a b %}.")
    assert page.markdown == (
        'See &#91;[1](#ref-b "B &quot;quoted&quot; &lt;script&gt;"){#cite-b-1 .citation}&#93; and '
        '&#91;[2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}, '
        '[1](#ref-b "B &quot;quoted&quot; &lt;script&gt;"){#cite-b-2 .citation}&#93;.'
    )
    assert page.backlinks == {"b": ["cite-b-1", "cite-b-2"], "a": ["cite-a-1"]}
    section = render_reference_list(page, "References", numbered=True)
    assert section.startswith('## References { #references }\n\n<ol class="references">')
    assert '<li id="ref-b"><span class="reference-label">[1]</span> <em>B</em>' in section
    assert 'href="#cite-b-2"' in section


@pytest.mark.parametrize(
    ("text", "author_year", "expected"),
    [
        ("[see @a, p. 4; also @b]", False,
         '&#91;see [2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}, p. 4; also [1](#ref-b "B &quot;quoted&quot; '
         '&lt;script&gt;"){#cite-b-1 .citation}&#93;'),
        ("[@a and *passim*]", False, '&#91;[2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation} and *passim*&#93;'),
        ("[see @a, p. 4]", True, '(see [Rudin, 2019](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}, p. 4)'),
        ("[-@a]", True, '([2019](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation})'),
        ("@a says", False, 'Rudin &#91;[2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}&#93; says'),
        ("@a [p. 30] says", False, 'Rudin &#91;[2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}, p. 30&#93; says'),
        ("@a says", True, '[Rudin (2019)](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation} says'),
        ("@a [p. 30] says", True, '[Rudin (2019, p. 30)](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation} says'),
    ],
)  # fmt: skip
def test_prefixes_locators_suffixes_and_in_text_forms(text, author_year, expected):
    refs = (
        {"a": Reference("a", "Rudin, 2019", "A", "A (text)", "Rudin", "2019"), "b": REFS["b"]} if author_year else REFS
    )
    assert render(text, refs, author_year).markdown == expected


def test_inside_raw_html_a_citation_is_html_and_inside_link_text_a_plain_label():
    page = render('<div class="note">\nSee [@a].\n</div>\n\n[text with [@b]](https://x.org)\n')
    assert page.markdown == (
        '<div class="note">\nSee [<a class="citation" href="#ref-a" id="cite-a-1" title="A (text)">2</a>].\n'
        "</div>\n\n[text with &#91;1&#93;](https://x.org)\n"
    )
    assert page.backlinks == {"a": ["cite-a-1"]}  # no back-link to a citation that is no link


def test_cross_references_read_as_words():
    targets = {"fig-shap": Target("Figure 2", "#fig-shap", "SHAP values", "2")}
    page = render("As @fig-shap shows, and [see @fig-shap, panel b], and [-@fig-shap].", targets=targets)
    link = "[Figure 2](#fig-shap){.crossref}"  # no title: crossref.js previews the figure itself
    assert page.markdown == f"As {link} shows, and see {link}, panel b, and [2](#fig-shap){{.crossref}}."


def test_a_reference_to_another_page_keeps_its_title_for_the_tooltip():
    targets = {"fig-shap": Target("Figure 2 in *Post*", "../post/#fig-shap", "SHAP values", "2")}
    assert render("As @fig-shap shows.", targets=targets).markdown == (
        'As [Figure 2 in *Post*](../post/#fig-shap "SHAP values"){.crossref} shows.'
    )


def test_page_token_keeps_ids_of_two_excerpts_apart():
    page = render("[@a]", page_token="visual-guide")
    assert "{#cite-visual-guide-a-1 .citation}" in page.markdown


@pytest.mark.parametrize(
    ("keys", "distinct"),
    [
        (["smith:2019", "smith-2019", "smith.2019"], True),
        (["plain2019", "пункт3", "a/b"], True),
    ],
)
def test_anchor_ids_are_unique_and_stable(keys, distinct):
    ids = [anchor_id(key) for key in keys]
    assert len(set(ids)) == len(ids) and ids == [anchor_id(key) for key in keys]
    assert anchor_id("plain2019") == "ref-plain2019" and anchor_id("smith-2019") == "ref-smith-2019"


def test_reference_list_marker_and_end():
    assert place_reference_list("a\n{% bibliography %}\nb", "REFS\n") == "a\nREFS\n\nb"
    assert place_reference_list("a\n", "REFS\n") == "a\n\nREFS\n"
    assert remove_bibliography_markers("a\n{% bibliography %}\nb `{% bibliography %}`") == "a\n\nb `{% bibliography %}`"


def test_unknown_key_suggests():
    assert unknown_key_message("molnar2021", ["molnar2020interpretable", "rudin2019stop"], "references.bib") == (
        "unknown citation key 'molnar2021'; did you mean 'molnar2020interpretable'?"
    )
    assert unknown_key_message("RUDIN2019STOP", ["rudin2019stop"], "references.bib") == (
        "unknown citation key 'RUDIN2019STOP'; did you mean 'rudin2019stop'?"
    )
    assert unknown_key_message("zzz", ["abc"], "references.bib") == "unknown citation key 'zzz' (not in references.bib)"
