"""Read a Markdown page the way Python-Markdown will: what is code, what is a tag, what is literal.

Tags (``{% figure ... %}``, ``{% cite ... %}``, ``{% value ... %}``) and citations
(``[@key]``) are text patterns that the build replaces. They must be left alone
exactly where Python-Markdown (with pymdownx.superfences) shows text literally: fenced
code blocks, indented code blocks, inline code spans and HTML comments. And an author
needs a way to write a tag as text: between ``{% raw %}`` and ``{% endraw %}`` nothing
is replaced, and the two markers themselves disappear from the page.

The page is read in one pass from left to right, as a Markdown parser does: a tag
that starts outside code runs to its closing ``%}`` even if its quoted values hold
backticks or ``<!--``, and a code span that starts first hides the tags inside it.
Python-Markdown, not CommonMark, is the reference for blocks: content indented under a
list item, an admonition (``!!!``, ``???``), a content tab (``===``) or a block
(``///``) is four spaces deeper than its marker, and only four more spaces than that
make code. Imports nothing from MkDocs.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from explaining_machines.errors import LocatedError

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
# A block whose content is indented four spaces deeper: list items, admonitions, details,
# content tabs, blocks, and footnote definitions (a note's second paragraph is no code).
_CONTAINER = re.compile(r"^(?P<indent> *)(?:[-*+]|\d+[.)]|!!!|\?\?\?\+?|===!?|///|\[\^[^\]\s]+\]:)(?:[ \t]|$)")
_INLINE = re.compile(r"(?P<escaped>\\[`{\\])|(?P<ticks>`+)|(?P<comment><!--)|(?P<tag>\{%)")
_TAG_NAME = re.compile(r"\{%-?\s*(?P<name>[A-Za-z_][\w-]*)?")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_QUOTE = re.compile(r"^(?: {0,3}>[ ]?)+")
# Python-Markdown's block-level tags: a line that opens one (see `_blocks`) starts a raw
# HTML block, whose content Markdown does not read (unless it carries md_in_html's
# `markdown` attribute); pre, script, style and textarea hold literal text.
_HTML_BLOCK = re.compile(
    r"^ {0,3}<(?P<tag>address|article|aside|blockquote|center|details|dialog|div|dl|fieldset|figcaption|"
    r"figure|footer|form|h[1-6]|header|hgroup|main|nav|ol|p|pre|section|table|ul|script|style|textarea|"
    r"canvas|noscript|video|iframe)(?=[\s/>])(?P<attrs>[^>]*)>?",
    re.IGNORECASE,
)
_LITERAL_HTML = ("pre", "script", "style", "textarea")


class ScanError(ValueError):
    """A page that cannot be read as written; `offset` is where in the text the problem starts."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message

    def at(self, lines: LineIndex) -> LocatedError:
        """The same problem, at its line of the text `lines` indexes."""
        return LocatedError(lines.line(self.offset), self.message)


@dataclass(frozen=True)
class Tag:
    """A ``{% name args %}`` tag outside code: its name, the text of its arguments and where it stands."""

    name: str
    args: str
    start: int
    end: int


@dataclass(frozen=True)
class Scan:
    """What a page holds: literal regions (code, comments, raw text) and the tags outside them."""

    literal: tuple[tuple[int, int], ...]  # sorted, disjoint (start, end) offsets
    tags: tuple[Tag, ...]
    raw_markers: tuple[tuple[int, int], ...]  # the {% raw %} and {% endraw %} markers, to remove
    html: tuple[tuple[int, int], ...] = ()  # raw HTML blocks, whose text Markdown does not read


@lru_cache(maxsize=512)
def scan(text: str) -> Scan:
    """Read `text` once (memoised: every hook of a build asks about the same pages).

    Raises `ScanError` for a tag without its closing ``%}`` before the end of its
    paragraph, and for a ``{% raw %}`` without ``{% endraw %}``.
    """
    literal: list[tuple[int, int]] = []
    tags: list[Tag] = []
    markers: list[tuple[int, int]] = []
    html: list[tuple[int, int]] = []
    resume = 0  # a {% raw %} region may run over code and HTML blocks, as in Jekyll: skipped up to here
    for start, end, kind in _blocks(text):
        if kind == "code":
            literal.append((start, end))
            continue
        if end <= resume:
            continue
        if kind == "html":
            html.append((start, end))
        resume = _inline(text, max(start, resume), end, literal, tags, markers)
    return Scan(tuple(_merge(literal)), tuple(tags), tuple(markers), tuple(html))


def _blocks(text: str) -> Iterator[tuple[int, int, str]]:
    """The page cut into runs of lines: (start, end, kind), kind "code" (fenced, indented, or a
    literal HTML element such as pre), "html" (a raw HTML block) or "text"."""
    offset = 0
    fence: tuple[str, int] | None = None  # (character, length) of the open fence
    fence_start = 0
    containers: list[int] = []  # content indents of enclosing lists/admonitions
    prev_blank = True
    prev_code = False
    run_start = 0
    block: tuple[str, int, int, str] | None = None  # (tag, depth, start, kind) of an open HTML block
    for full_line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(full_line)
        line = _QUOTE.sub("", full_line, count=1)  # inside a blockquote, blocks start after the ">"
        if block is not None:
            depth = block[1] + _depth_change(line, block[0])
            if depth > 0:
                block = (block[0], depth, block[2], block[3])
                continue
            yield block[2], offset, block[3]
            block, run_start, prev_blank = None, offset, False
            continue
        if fence is not None:
            closing = _FENCE.match(line)
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= fence[1]
                and not line[closing.end() :].strip()
            ):
                yield fence_start, offset, "code"
                fence = None
                run_start = offset
            continue
        if not line.strip():
            prev_blank = True
            continue
        expanded = line.expandtabs(4)
        indent = len(expanded) - len(expanded.lstrip(" "))
        while containers and indent < containers[-1] and prev_blank:
            containers.pop()
        base = containers[-1] if containers else 0
        if indent >= base + 4 and (prev_blank or prev_code):
            if not prev_code:
                yield run_start, start, "text"
            yield start, offset, "code"
            prev_code, prev_blank = True, False
            run_start = offset
            continue
        # After a blank line, or at the very start of a line that follows a paragraph's (as
        # Python-Markdown 3 reads it: "Text.\n<div>" is a paragraph, then a raw HTML block).
        opened = _HTML_BLOCK.match(line) if prev_blank or line.startswith("<") else None
        if opened and not re.search(r"\bmarkdown\b", opened["attrs"] or ""):
            yield run_start, start, "text"
            tag = opened["tag"].lower()
            kind = "code" if tag in _LITERAL_HTML else "html"
            depth = _depth_change(line, tag)
            if depth > 0:
                block = (tag, depth, start, kind)
            else:
                yield start, offset, kind
                run_start = offset
            prev_code, prev_blank = False, False
            continue
        prev_code, prev_blank = False, False
        opening = _FENCE.match(line)
        if opening:
            yield run_start, start, "text"
            fence = (opening["fence"][0], len(opening["fence"]))
            fence_start = start
            continue
        container = _CONTAINER.match(expanded)
        if container:
            marker_indent = len(container["indent"])
            while containers and containers[-1] > marker_indent:
                containers.pop()  # a sibling or outer item closes the deeper ones
            containers.append(marker_indent + 4)
    if fence is not None:  # an unclosed fence runs to the end, as superfences treats it
        yield fence_start, len(text), "code"
    elif block is not None:  # an unclosed HTML block runs to the end, as Python-Markdown reads it
        yield block[2], len(text), block[3]
    else:
        yield run_start, len(text), "text"


def _depth_change(line: str, tag: str) -> int:
    """How many `tag` elements a line opens minus how many it closes."""
    opened = len(re.findall(rf"<{tag}(?=[\s/>])", line, re.IGNORECASE))
    closed = len(re.findall(rf"</{tag}\s*>", line, re.IGNORECASE))
    return opened - closed


def _inline(text: str, start: int, end: int, literal: list, tags: list[Tag], markers: list[tuple[int, int]]) -> int:
    """Scan a run of non-code lines from left to right for code spans, comments, tags and raw
    regions; returns where the scan goes on (past `end` when a raw region runs beyond it)."""
    pos = start
    while True:
        match = _INLINE.search(text, pos, end)
        if match is None:
            return end
        if match["escaped"]:
            pos = match.end()
        elif match["ticks"]:
            pos = _code_span(text, match, end, literal)
        elif match["comment"]:
            close = text.find("-->", match.end(), end)
            stop = end if close < 0 else close + 3
            literal.append((match.start(), stop))
            pos = stop
        else:
            tag = _tag(text, match.start(), end)
            if tag.name == "raw":
                # Its {% endraw %} in the same run, else the next one anywhere after (Jekyll's own
                # usage puts {% raw %} around a fenced block, whose code is literal anyway).
                close = _find_endraw(text, tag.end, end) or _find_endraw(text, tag.end, len(text))
                if close is None:
                    raise ScanError(tag.start, "'{% raw %}' without '{% endraw %}'")
                markers.extend([(tag.start, tag.end), close])
                literal.append((tag.start, close[1]))
                if close[1] > end:
                    return close[1]
                pos = close[1]
            else:
                tags.append(tag)
                _raw_inside(text, tag, literal, markers)
                pos = tag.end


def _code_span(text: str, opening: re.Match[str], end: int, literal: list) -> int:
    """Record the code span that `opening` (a run of backticks) starts, if it is closed; returns where to go on."""
    ticks = opening["ticks"]
    closing = re.compile(rf"(?<!`){ticks}(?!`)")
    close = closing.search(text, opening.end(), end)
    if close is None or _PARAGRAPH_BREAK.search(text, opening.end(), close.start()):
        return opening.end()  # no closing run in this paragraph: the backticks are literal
    literal.append((opening.start(), close.end()))
    return close.end()


def _tag(text: str, start: int, end: int) -> Tag:
    """The tag starting at `start`: up to the first ``%}`` outside quotes, within its paragraph."""
    head = _TAG_NAME.match(text, start)
    name = head["name"] or ""
    i, quote = head.end(), None
    while i < end:
        char = text[i]
        if char == "\n" and _PARAGRAPH_BREAK.match(text, i):
            break  # a tag ends in its paragraph, an unclosed quote too
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif text.startswith("%}", i):
            args = text[head.end() : i].removesuffix("-")
            return Tag(name, args.strip(), start, i + 2)
        i += 1
    shown = "{% " + name if name else "{%"
    raise ScanError(start, f"unclosed '{shown}' tag: expected '%}}' before the end of the paragraph")


_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}")


def _raw_inside(text: str, tag: Tag, literal: list, markers: list[tuple[int, int]]) -> None:
    """The ``{% raw %}`` regions inside a tag's quoted values (a figure's caption is Markdown
    and may show a tag or a citation as text): literal, their markers removed later."""
    pos = tag.start + 2
    while (opening := _RAW.search(text, pos, tag.end - 2)) is not None:
        close = _find_endraw(text, opening.end(), tag.end - 2)
        if close is None:
            raise ScanError(opening.start(), "'{% raw %}' without '{% endraw %}' inside the tag")
        markers.extend([(opening.start(), opening.end()), close])
        literal.append((opening.start(), close[1]))
        pos = close[1]


def _find_endraw(text: str, start: int, end: int) -> tuple[int, int] | None:
    match = re.compile(r"\{%-?\s*endraw\s*-?%\}").search(text, start, end)
    return None if match is None else (match.start(), match.end())


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def code_ranges(text: str) -> list[tuple[int, int]]:
    """The sorted, disjoint (start, end) offsets of every region shown literally."""
    return list(scan(text).literal)


def tags(text: str, name: str | None = None) -> list[Tag]:
    """The tags outside code, in order; only those called `name` if given."""
    return [tag for tag in scan(text).tags if name is None or tag.name == name]


def strip_raw_markers(text: str) -> str:
    """`text` without its ``{% raw %}`` and ``{% endraw %}`` markers (their content stays)."""
    markers = scan(text).raw_markers
    if not markers:
        return text
    pieces, last = [], 0
    for start, end in markers:
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return "".join(pieces)


class LineIndex:
    """Turn character offsets of a text into 1-based line numbers."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._first = first_line

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1 + self._first


def finditer_outside_code(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield the matches of `pattern` in `text` that do not touch a literal region."""
    ranges = scan(text).literal
    starts = [start for start, _ in ranges]
    for match in pattern.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        inside = i >= 0 and match.start() < ranges[i][1]
        overlaps = i + 1 < len(ranges) and ranges[i + 1][0] < match.end()
        if not inside and not overlaps:
            yield match


def find_outside_code(text: str, needle: str) -> int | None:
    """The offset of the first occurrence of `needle` in `text` outside code, or None."""
    return next((m.start() for m in finditer_outside_code(re.compile(re.escape(needle)), text)), None)
