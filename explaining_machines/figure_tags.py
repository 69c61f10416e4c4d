"""Figure tags in Markdown: ``{% figure "name" caption="..." %}`` on a line of its own.

Parsing finds the tags outside code and reports malformed ones with their line;
rendering turns a tag into a ``<figure>`` holding a light and a dark image
(Material shows ``#only-light`` / ``#only-dark`` images by palette) and the caption.
The images are Markdown, not raw HTML, so MkDocs rewrites their paths for each page
and Material's blog excerpts. Imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from explaining_machines.mdscan import LineIndex, finditer_outside_code

_TAG = re.compile(r"\{%-?\s*figure\b(?P<args>(?:[^%\"]|\"(?:[^\"\\\n]|\\.)*\"|%(?!\}))*?)-?%\}|\{%-?\s*figure\b")
_ARGS = re.compile(r'^\s*"(?P<name>[^"\s]*)"(?:\s+caption\s*=\s*"(?P<caption>(?:[^"\\]|\\.)*)")?\s*$', re.DOTALL)


class FigureTagError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class FigureTag:
    name: str
    caption: str
    start: int
    end: int
    line: int


def find_figure_tags(markdown: str, first_line: int = 1) -> list[FigureTag]:
    """The figure tags of a page, in order; raises `FigureTagError` for a malformed one."""
    lines = LineIndex(markdown, first_line)
    tags = []
    for match in finditer_outside_code(_TAG, markdown):
        line = lines.line(match.start())
        if match["args"] is None:
            raise FigureTagError(line, "unclosed '{% figure' tag: expected '%}'")
        args = _ARGS.match(match["args"])
        if not args:
            raise FigureTagError(
                line, 'malformed figure tag; write {% figure "name" %} or {% figure "name" caption="..." %}'
            )
        if not args["name"]:
            raise FigureTagError(line, "empty figure name")
        before = markdown[markdown.rfind("\n", 0, match.start()) + 1 : match.start()]
        after_end = markdown.find("\n", match.end())
        after = markdown[match.end() : len(markdown) if after_end < 0 else after_end]
        if before.strip() or after.strip():
            raise FigureTagError(line, "a figure tag must stand on a line of its own")
        caption = re.sub(r"\\(.)", r"\1", args["caption"] or "")
        tags.append(FigureTag(args["name"], caption, match.start(), match.end(), line))
    return tags


def _attr(value: str) -> str:
    """A value safe inside attr_list's double quotes (which allow no escapes)."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("}", "&#125;")


@dataclass(frozen=True)
class FigureImages:
    """What the page needs of a computed figure."""

    light: str  # path of the light PNG relative to the page's source file
    dark: str
    width: int
    height: int
    alt: str
    provenance: str


def render_figure(tag: FigureTag, images: FigureImages, indent: str = "") -> str:
    """The Markdown (with md_in_html) that shows a figure in both palettes with its caption."""
    common = (
        f'alt="{_attr(images.alt)}" title="{_attr(images.provenance)}" '
        f'width="{images.width}" height="{images.height}" loading="lazy"'
    )
    caption = tag.caption or ""
    lines = [
        f'<figure class="computed-figure" id="figure-{tag.name}" markdown>',
        "",
        f"![]({images.light}#only-light){{ {common} }}",
        f"![]({images.dark}#only-dark){{ {common} }}",
        "",
    ]
    if caption:
        lines.append(f'<figcaption markdown="span">{caption}</figcaption>')
    lines.append("</figure>")
    return "\n".join(indent + line if line else line for line in lines)


def replace_tags(markdown: str, tags: list[FigureTag], images: dict[str, FigureImages]) -> str:
    pieces, last = [], 0
    for tag in tags:
        line_start = markdown.rfind("\n", 0, tag.start) + 1
        indent = markdown[line_start : tag.start]
        pieces.append(markdown[last:line_start])
        pieces.append("\n" + render_figure(tag, images[tag.name], indent) + "\n")
        last = tag.end
    pieces.append(markdown[last:])
    return "".join(pieces)
