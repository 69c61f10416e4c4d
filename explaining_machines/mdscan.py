"""Find the parts of a Markdown text that are code, so that tags are never replaced there.

Citations (`{% cite %}`, `[@key]`) and figure tags are plain text patterns. They must
be left alone inside fenced code blocks, indented code blocks, inline code spans and
HTML comments, exactly where Python-Markdown (with pymdownx.superfences) would show
them literally. This module knows those rules; it imports nothing from MkDocs.

Python-Markdown, not CommonMark, is the reference: content indented under a list
item, an admonition (`!!!`, `???`), a content tab (`===`) or a block (`///`) is four
spaces deeper than its marker, and only four more spaces than that make code.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})")
_CONTAINER = re.compile(r"^(?P<indent> *)(?:[-*+]|\d+[.)]|!!!|\?\?\?\+?|===!?|///)(?:[ \t]|$)")
_INLINE_CODE = re.compile(r"(?<!\\)(?P<ticks>`+)(?P<body>.+?)(?<!`)(?P=ticks)(?!`)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def _indent(line: str) -> int:
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def code_ranges(text: str) -> list[tuple[int, int]]:
    """Return the sorted, non-overlapping (start, end) offsets of every code region.

    Covers fenced blocks (``` or ~~~, at any indentation), indented code blocks,
    inline code spans and HTML comments.
    """
    ranges: list[tuple[int, int]] = []
    text_parts: list[tuple[int, int]] = []  # runs of lines that are not block code
    offset = 0
    fence: tuple[str, int] | None = None  # (character, length) of the open fence
    fence_start = 0
    containers: list[int] = []  # content indents of enclosing lists/admonitions
    prev_blank = True
    prev_code = False
    run_start = 0

    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        stripped = line.strip()
        if fence is not None:
            closing = _FENCE.match(line)
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= fence[1]
                and not line[closing.end() :].strip()
            ):
                ranges.append((fence_start, offset))
                fence = None
                run_start = offset
            continue
        if not stripped:
            prev_blank = True
            continue
        indent = _indent(line)
        while containers and indent < containers[-1] and prev_blank:
            containers.pop()
        base = containers[-1] if containers else 0
        if indent >= base + 4 and (prev_blank or prev_code):
            if not prev_code:
                text_parts.append((run_start, start))
            ranges.append((start, offset))
            prev_code, prev_blank = True, False
            run_start = offset
            continue
        prev_code, prev_blank = False, False
        opening = _FENCE.match(line)
        if opening:
            text_parts.append((run_start, start))
            fence = (opening["fence"][0], len(opening["fence"]))
            fence_start = start
            continue
        container = _CONTAINER.match(line.expandtabs(4))
        if container:
            marker_indent = len(container["indent"])
            while containers and containers[-1] > marker_indent:
                containers.pop()  # a sibling or outer item closes the deeper ones
            containers.append(marker_indent + 4)
    if fence is not None:  # an unclosed fence runs to the end, as superfences treats it
        ranges.append((fence_start, len(text)))
    else:
        text_parts.append((run_start, len(text)))

    for part_start, part_end in text_parts:
        part = text[part_start:part_end]
        for match in _COMMENT.finditer(part):
            ranges.append((part_start + match.start(), part_start + match.end()))
        for match in _INLINE_CODE.finditer(part):
            if not _PARAGRAPH_BREAK.search(match["body"]):
                ranges.append((part_start + match.start(), part_start + match.end()))
    return _merge(ranges)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class LineIndex:
    """Turn character offsets of a text into 1-based line numbers."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._first = first_line

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) - 1 + self._first


def finditer_outside_code(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Yield the matches of `pattern` in `text` that do not touch a code region."""
    ranges = code_ranges(text)
    starts = [start for start, _ in ranges]
    for match in pattern.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        inside = i >= 0 and match.start() < ranges[i][1]
        overlaps = i + 1 < len(ranges) and ranges[i + 1][0] < match.end()
        if not inside and not overlaps:
            yield match
