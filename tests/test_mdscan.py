"""The Markdown scanner on its own: what is code, what is a tag, what is literal, and its errors.

Every tag and citation the build replaces is found through `mdscan`, so each case here is
what Python-Markdown (with pymdownx.superfences and md_in_html) shows literally, or not.
"""

import re

import pytest

from explaining_machines.errors import LocatedError
from explaining_machines.source.mdscan import (
    LineIndex,
    ScanError,
    code_ranges,
    find_outside_code,
    finditer_outside_code,
    scan,
    strip_raw_markers,
    tags,
)

TAG = re.compile(r"\[@\w+\]")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain [@a] text", ["[@a]"]),
        ("inline `[@a]` code and [@b]", ["[@b]"]),
        ("double ``x ` [@a]`` code [@b]", ["[@b]"]),
        ("```\n[@a]\n```\n[@b]\n", ["[@b]"]),
        ("~~~~python\n[@a]\n~~~\n[@c]\n~~~~\n[@b]\n", ["[@b]"]),
        ("para\n\n    [@a] indented code\n\n[@b]\n", ["[@b]"]),
        ("- item\n\n    [@a] list paragraph\n", ["[@a]"]),
        ("- item\n\n        [@a] code in list\n", []),
        ("!!! note\n\n    [@a] in an admonition\n", ["[@a]"]),
        ("- item\n    ```\n    [@a]\n    ```\n[@b]\n", ["[@b]"]),
        ("<!-- [@a] -->\n[@b]", ["[@b]"]),
        ("unclosed ```\n[@a]", ["[@a]"]),
        ("```\nnever closed\n[@a]\n", []),
        ("escaped \\`[@a]`", ["[@a]"]),
    ],
)
def test_matches_outside_code(text, expected):
    assert [m.group(0) for m in finditer_outside_code(TAG, text)] == expected


def literal(text: str) -> list[str]:
    """The regions of `text` shown literally, as text."""
    return [text[start:end] for start, end in code_ranges(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Fenced code: the closing fence is as long or longer, of the same character, alone on its line.
        ("````\n```\n{% x %}\n````\n{% y %}", ["````\n```\n{% x %}\n````\n"]),
        ("```\n{% x %}\n``` not closing\n{% y %}\n```\n{% z %}", ["```\n{% x %}\n``` not closing\n{% y %}\n```\n"]),
        ("~~~\n{% x %}\n```\n{% y %}\n~~~\n{% z %}", ["~~~\n{% x %}\n```\n{% y %}\n~~~\n"]),
        # Fenced code inside list items and admonitions, indented as their content.
        ("- item\n\n    ```\n    {% x %}\n    ```\n\n    {% y %}\n", ["    ```\n    {% x %}\n    ```\n"]),
        ("1. item\n\n    ~~~\n    {% x %}\n    ~~~\n", ["    ~~~\n    {% x %}\n    ~~~\n"]),
        ("- a\n    - b\n\n        ```\n        {% x %}\n        ```\n", ["        ```\n        {% x %}\n        ```\n"]),  # noqa: E501
        ("!!! note\n    ```\n    {% x %}\n    ```\n", ["    ```\n    {% x %}\n    ```\n"]),
        # Indented code: four spaces (or a tab) after a blank line, four more under a list item.
        ("para\n    {% x %}\n", []),  # a lazy continuation of the paragraph, not code
        ("\t{% x %}\n", ["\t{% x %}\n"]),
        ("    a\n\n    b\n", ["    a\n", "    b\n"]),
        ("1. a\n\n        {% x %}\n", ["        {% x %}\n"]),
        ("- a\n    - b\n\n        {% x %}\n", []),  # the nested item's own paragraph
        ("- a\n    - b\n\n            {% x %}\n", ["            {% x %}\n"]),
        ("- a\n\ntext\n\n    {% x %}\n", ["    {% x %}\n"]),  # the list has ended
        ('=== "Tab"\n\n    {% x %}\n', []),
        ("[^n]: A note.\n\n    Its second paragraph {% x %}.\n", []),
        # Blockquotes: blocks start after the ">".
        ("> ```\n> {% a %}\n> ```\n{% b %}\n", ["> ```\n> {% a %}\n> ```\n"]),
        ("> quote {% a %}\n>\n>     code {% b %}\n", [">     code {% b %}\n"]),
        ("> > ~~~\n> > {% a %}\n> > ~~~\n", ["> > ~~~\n> > {% a %}\n> > ~~~\n"]),
        # Inline code spans of one, two or three backticks; an unclosed run is literal backticks.
        ("a ```{% x %}``` b {% y %}", ["```{% x %}```"]),
        ("a `` `{% x %}` `` b", ["`` `{% x %}` ``"]),
        ("a `` x ` y `` b `z`", ["`` x ` y ``", "`z`"]),
        ("`a\n{% x %}` {% y %}", ["`a\n{% x %}`"]),  # a span may cross a line end...
        ("`a\n\n{% x %}` {% y %}", []),  # ...but not a paragraph break
        ("``a` {% x %}", []),  # no closing run of two
        ("`a {% x` %}", ["`a {% x`"]),  # the span that starts first wins
        # HTML comments, on one line or several; an unclosed one runs to the end of its text.
        ("<!--\n{% a %}\n-->{% b %}", ["<!--\n{% a %}\n-->"]),
        ("<!-- {% a %}", ["<!-- {% a %}"]),
        ("`<!--` {% a %} -->", ["`<!--`"]),  # no comment starts inside a code span
        # Literal HTML elements: pre, script, style and textarea hold text Markdown never reads.
        ("<pre>\n{% figure \"a\" %}\n</pre>\n\n{% value \"x\" %}\n", ["<pre>\n{% figure \"a\" %}\n</pre>\n"]),
        ('<script>\nvar a = "{% x %}";\n</script>\n', ['<script>\nvar a = "{% x %}";\n</script>\n']),
        ("<style>\n/* {% x %} */\n</style>\n", ["<style>\n/* {% x %} */\n</style>\n"]),
        ("<TEXTAREA>\n{% x %}\n</textarea>\n", ["<TEXTAREA>\n{% x %}\n</textarea>\n"]),
        ("<pre>{% x %}</pre>\n\n{% y %}", ["<pre>{% x %}</pre>\n"]),
        ("<pre>\n<pre>\n</pre>\n{% x %}\n</pre>\n{% y %}", ["<pre>\n<pre>\n</pre>\n{% x %}\n</pre>\n"]),
        ("<pre>\n{% x %}\n", ["<pre>\n{% x %}\n"]),  # unclosed: to the end, as Python-Markdown reads it
        ("    <pre>\n{% x %}\n</pre>\n", ["    <pre>\n"]),  # indented four spaces: code, not HTML
        # Other HTML blocks are read as text by the build (tags and citations in them work).
        ("<div>\n{% x %}\n</div>\n", []),
        ("<div markdown>\n{% x %}\n</div>\n", []),
    ],
)  # fmt: skip
def test_what_is_shown_literally(text, expected):
    assert literal(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<div>\n{% x %}\n</div>\n\nafter\n", ["<div>\n{% x %}\n</div>\n"]),
        ('<div class="note">\n<div>\n</div>\n{% x %}\n</div>\n{% y %}\n', ['<div class="note">\n<div>\n</div>\n{% x %}\n</div>\n']),  # noqa: E501
        ("<DIV>one line</DIV>\n\ntext", ["<DIV>one line</DIV>\n"]),
        ("<details>\n<summary>S</summary>\n</details>\n", ["<details>\n<summary>S</summary>\n</details>\n"]),
        ("<div>\nnever closed\n", ["<div>\nnever closed\n"]),
        ("<div markdown>\n{% x %}\n</div>\n", []),  # md_in_html: Markdown reads it
        ('<div markdown="1">\n{% x %}\n</div>\n', []),
        ("<span>\ninline\n</span>\n", []),  # not a block-level tag
        ("<divider>\n</divider>\n", []),
        ("    <div>\n</div>\n", []),  # code
    ],
)  # fmt: skip
def test_raw_html_blocks(text, expected):
    assert [text[start:end] for start, end in scan(text).html] == expected


@pytest.mark.parametrize("text", ["Text.\n<pre>\n[@a]\n</pre>\n", "Text.\n<script>\nvar a = '[@a]';\n</script>\n"])
def test_an_html_block_right_after_a_paragraph_line_is_literal_too(text):
    assert list(finditer_outside_code(TAG, text)) == []


def test_a_div_right_after_a_paragraph_line_is_a_raw_html_block():
    text = "Text.\n<div>\nSee [@a].\n</div>\n"
    assert [text[start:end] for start, end in scan(text).html] == ["<div>\nSee [@a].\n</div>\n"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{% figure "a" %} and {% value "b" format=".2%" %}', [("figure", '"a"'), ("value", '"b" format=".2%"')]),
        ('{% figure "a%}b" %}', [("figure", '"a%}b"')]),  # %} inside quotes does not close the tag
        ("{% cite 'it\\'s' %}", [("cite", "'it\\'s'")]),
        ('{% figure "a" caption="`x` <!-- y" %} `{% z %}`', [("figure", '"a" caption="`x` <!-- y"')]),
        ('{% cite "a"\n   "b" %}', [("cite", '"a"\n   "b"')]),  # a tag may cross a line end in its paragraph
        ("{%- value x -%}", [("value", "x")]),  # Jinja's whitespace control marks are no part of the arguments
        ("{% %}", [("", "")]),
        ("\\{% x %}", []),  # an escaped brace is text
        ("a \\` {% x %}", [("x", "")]),  # an escaped backtick opens no code span
        ("`{% x %}` and ``{% y %}``", []),
        ("> {% a %}", [("a", "")]),
        ("<div>\n{% a %}\n</div>\n", [("a", "")]),
    ],
)
def test_tags_outside_code(text, expected):
    assert [(tag.name, tag.args) for tag in tags(text)] == expected


def test_a_tag_knows_where_it_stands_and_tags_can_be_filtered_by_name():
    text = 'One {% cite "a" %} two {% figure "b" %}\n'
    cite, figure = tags(text)
    assert text[cite.start : cite.end] == '{% cite "a" %}' and text[figure.start : figure.end] == '{% figure "b" %}'
    assert tags(text, "figure") == [figure] and tags(text, "value") == []


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('Write {% raw %}{% cite "a" %}{% endraw %} as text.', 'Write {% cite "a" %} as text.'),
        ("{%- raw -%}{% x %}{%- endraw -%}", "{% x %}"),
        ("{% raw %}\n\npara two {% x %}\n\n{% endraw %}", "\n\npara two {% x %}\n\n"),  # across paragraphs
        ("{% raw %}a{% endraw %} b {% raw %}c{% endraw %}", "a b c"),
        # Raw regions do not nest, as in Jekyll: the first endraw ends the region.
        ("{% raw %}a {% raw %} b{% endraw %} c{% endraw %}", "a {% raw %} b c{% endraw %}"),
        ("`{% raw %}` stays", "`{% raw %}` stays"),
        ("no markers", "no markers"),
    ],
)
def test_raw_markers_disappear_and_their_content_stays(text, shown):
    assert strip_raw_markers(text) == shown


def test_nothing_between_raw_markers_is_a_tag():
    text = '{% raw %}{% cite "a" %} [@a]{% endraw %} {% value "b" %}'
    found = scan(text)
    assert found.raw_markers == ((0, 9), (28, 40))
    assert found.literal == ((0, 40),)
    assert [tag.name for tag in found.tags] == ["value"]
    assert list(finditer_outside_code(TAG, text)) == []


def test_an_endraw_without_raw_is_a_tag_named_endraw():
    """So that whoever reads the tags can say so (`Apparatus.read` fails with its line)."""
    found = scan("a {% endraw %} b")
    assert [(tag.name, tag.start, tag.end) for tag in found.tags] == [("endraw", 2, 14)] and found.raw_markers == ()


def test_the_endraw_after_a_nested_raw_is_left_over_as_a_tag():
    found = scan("{% raw %}a {% raw %} b{% endraw %} c{% endraw %}")
    assert [(tag.name, tag.start) for tag in found.tags] == [("endraw", 36)]


@pytest.mark.parametrize(
    "text",
    [
        "{% raw %}\n```liquid\n{{ x }} {% y %}\n```\n{% endraw %}\n",
        "{% raw %}\n\n<div>\n{% y %}\n</div>\n\n{% endraw %}\n",
    ],
)
def test_raw_markers_around_a_block(text):
    assert tags(text) == [] and "raw" not in strip_raw_markers(text)


@pytest.mark.parametrize(
    ("text", "offset", "line", "message"),
    [
        ('Text {% cite "a"\n\nnext %}', 5, 1, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
        ('One.\n\nTwo {% figure "a\n', 10, 3, "unclosed '{% figure' tag: expected '%}' before the end of the paragraph"),  # noqa: E501
        ("{%", 0, 1, "unclosed '{%' tag: expected '%}' before the end of the paragraph"),
        ('{% cite "a %}', 0, 1, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),  # in quotes
        ('{% cite "a"\n```\n%}\n```\n', 0, 1, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
        ("a\n\nb {% raw %} c", 5, 3, "'{% raw %}' without '{% endraw %}'"),
    ],
)  # fmt: skip
def test_errors_say_what_and_where(text, offset, line, message):
    with pytest.raises(ScanError) as error:
        scan(text)
    assert (error.value.offset, error.value.message, str(error.value)) == (offset, message, message)
    located = error.value.at(LineIndex(text, first_line=10))
    assert isinstance(located, LocatedError) and (located.line, located.message) == (line + 9, message)


def test_a_tag_in_code_is_no_error():
    assert tags('```\n{% cite "a\n```\n`{%` and <!-- {% -->\n') == []


@pytest.mark.parametrize(
    ("text", "first", "lines"),
    [
        ("a\nb\nc", 1, {0: 1, 1: 1, 2: 2, 4: 3, 5: 3}),  # a line end belongs to the line it ends
        ("a\nb\nc", 7, {0: 7, 2: 8, 4: 9}),
        ("\n\n", 1, {0: 1, 1: 2, 2: 3}),
        ("", 3, {0: 3}),
    ],
)
def test_line_index(text, first, lines):
    index = LineIndex(text, first)
    assert {offset: index.line(offset) for offset in lines} == lines


@pytest.mark.parametrize(
    ("text", "needle", "offset"),
    [
        ("`x` x", "x", 4),
        ("```\nx\n```\nx", "x", 10),
        ("<!-- x --> x", "x", 11),
        ("`x`", "x", None),
        ("ab `b` b", "b", 1),
        ("a `code` b", "`code`", None),  # a match that touches code is no match
        ("a `code` b", "a `c", None),
        ("a `code` b", " b", 8),
    ],
)
def test_find_outside_code(text, needle, offset):
    assert find_outside_code(text, needle) == offset


def test_a_match_that_overlaps_code_is_skipped_but_the_next_is_found():
    text = "x`y` xy"
    assert [m.start() for m in finditer_outside_code(re.compile("x.?y?"), text)] == [5]


def test_ranges_are_sorted_and_disjoint():
    ranges = code_ranges("`a` and `b`\n\n```\nc\n```\n<!-- `d` -->")
    assert ranges == [(0, 3), (8, 11), (13, 23), (23, 35)]  # the code span inside the comment is part of it


def test_an_unclosed_quote_does_not_carry_a_tag_into_the_next_paragraph():
    with pytest.raises(ScanError) as error:
        scan('See {% cite "a %}\n\nNext "para %} end.\n')
    assert (error.value.offset, error.value.message) == (
        4, "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"
    )  # fmt: skip


def test_a_scan_is_read_once_per_text():
    text = "memoised `a` {% b %}"
    assert scan(text) is scan(text)
