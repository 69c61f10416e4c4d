import pytest

from explaining_machines.citations import (
    CitationError,
    CiteItem,
    Reference,
    find_citations,
    place_reference_list,
    render_citations,
    render_reference_list,
    unknown_key_message,
)


def items(text):
    return [c.items for c in find_citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{% cite "a" %}', [(CiteItem("a"),)]),
        ("{% cite 'a' %}", [(CiteItem("a"),)]),
        ('{% cite "a", "b" %}', [(CiteItem("a"), CiteItem("b"))]),
        ("{% cite a b %}", [(CiteItem("a"), CiteItem("b"))]),
        ('{% cite "a" -l 12 %}', [(CiteItem("a", "12"),)]),
        ('{% cite a --locator "pp. 3-4" %}', [(CiteItem("a", "pp. 3-4"),)]),
        ("[@a]", [(CiteItem("a"),)]),
        ("[@a; @b]", [(CiteItem("a"), CiteItem("b"))]),
        ("[@a, p. 12]", [(CiteItem("a", "p. 12"),)]),
        ("[@a, p. 12; @b]", [(CiteItem("a", "p. 12"), CiteItem("b"))]),
        ("[@a:2020.x]", [(CiteItem("a:2020.x"),)]),
        ("mail [me@example.org] here", []),
        ("[@a](https://example.org) is a link", []),
        ('`{% cite "a" %}` and `[@a]`', []),
    ],
)
def test_syntax_forms(text, expected):
    assert items(text) == expected


def test_order_and_lines():
    found = find_citations('x [@b]\n\ny {% cite "a" %}', first_line=10)
    assert [(c.items[0].key, c.line) for c in found] == [("b", 10), ("a", 12)]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('ok\n{% cite "a"', 2, "unclosed '{% cite' tag: expected '%}'"),
        ("{% cite %}", 1, "empty citation: '{% cite %}' names no key"),
        ('{% cite "" %}', 1, "empty citation key"),
        ("{% cite a -x %}", 1, "unknown option '-x' in '{% cite %}'; use -l or --locator"),
        ("a\n\n[@]", 3, "empty citation key in '[@]'"),
        ("text [@a more text\n\nnext", 1, "unclosed '[@' citation: expected ']'"),
    ],
)
def test_malformed(text, line, message):
    with pytest.raises(CitationError) as caught:
        find_citations(text)
    assert (caught.value.line, caught.value.message) == (line, message)


REFS = {
    "b": Reference("b", "1", "<em>B</em>", 'B "quoted" <script>'),
    "a": Reference("a", "2", "A", "A (text)"),
}


def test_render_numbered_links_and_backlinks():
    text = "See [@b] and {% cite a b %}."
    page = render_citations(text, find_citations(text), REFS, author_year=False)
    assert page.markdown == (
        'See \\[[1](#ref-b "B &quot;quoted&quot; &lt;script&gt;"){#cite-b-1 .citation}\\] and '
        '\\[[2](#ref-a "A &#40;text&#41;"){#cite-a-1 .citation}, '
        '[1](#ref-b "B &quot;quoted&quot; &lt;script&gt;"){#cite-b-2 .citation}\\].'
    )
    assert page.backlinks == {"b": ["cite-b-1", "cite-b-2"], "a": ["cite-a-1"]}
    section = render_reference_list(page, "References", numbered=True)
    assert section.startswith('## References { #references }\n\n<ol class="references">')
    assert '<li id="ref-b"><span class="reference-label">[1]</span> <em>B</em>' in section
    assert 'href="#cite-b-2"' in section


def test_render_author_year_with_locator():
    refs = {"a": Reference("a", "Molnar, 2020", "A", "A")}
    text = "[@a, p. 3]"
    page = render_citations(text, find_citations(text), refs, author_year=True)
    assert page.markdown == '([Molnar, 2020](#ref-a "A"){#cite-a-1 .citation}, p&#46; 3)'


def test_reference_list_marker_and_end():
    assert place_reference_list("a\n{% bibliography %}\nb", "REFS\n") == "a\nREFS\n\nb"
    assert place_reference_list("a\n", "REFS\n") == "a\n\nREFS\n"


def test_unknown_key_suggests():
    assert unknown_key_message("molnar2021", ["molnar2020interpretable", "rudin2019stop"], "references.bib") == (
        "unknown citation key 'molnar2021'; did you mean 'molnar2020interpretable'?"
    )
    assert unknown_key_message("zzz", ["abc"], "references.bib") == (
        "unknown citation key 'zzz' (not in references.bib)"
    )
