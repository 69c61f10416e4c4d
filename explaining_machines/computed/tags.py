"""Computed content in Markdown: ``{% figure %}`` and ``{% value %}`` tags, read and rendered.

``{% figure "shap-digit" digit=3 caption="..." id="fig-three" %}`` stands on a line of
its own; every value is written as in YAML flow style (`explaining_machines.arguments`).
``caption``, ``id`` and ``interactive`` (``true``/``false``: show the recipe's interactive
view, or only the images) belong to the page; every other name is a parameter of the recipe,
checked by the figures package. It becomes a ``<figure>`` with a light and a dark image
(Material shows ``#only-light`` / ``#only-dark`` images by palette), the caption, and a
collapsed "How this figure was made" block: the parameters, one line on what the figure
was made from, the data behind it, and links to its provenance page
(`explaining_machines.computed.provenance`), which shows the recipe's code, the record
and the chain from the data.
The images are Markdown, not raw HTML, so MkDocs rewrites their paths for each page and
for Material's blog excerpts.

``{% value "model.holdout_accuracy" %}`` (optionally ``format=".2%"``) stands anywhere
in the prose and becomes the number the cache recorded. Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from explaining_machines import arguments
from explaining_machines.errors import LocatedError
from explaining_machines.source import mdscan
from explaining_machines.source.mdscan import LineIndex

PAGE_ARGUMENTS = ("caption", "id", "interactive")
_LABEL = re.compile(r"fig-\w[\w-]*")  # as the labels of equations and tables (citations.xref)


class TagError(LocatedError):
    """A tag an author wrote that cannot be read; `line` is its 1-based line in the file."""


@dataclass(frozen=True)
class FigureTag:
    """A figure tag: the recipe's name and parameters, and what the page adds (caption, label)."""

    name: str
    params: dict[str, Any]
    caption: str
    label: str | None
    start: int
    end: int
    line: int
    interactive: bool | None = None  # as the tag says; None: as the recipe says


@dataclass(frozen=True)
class ValueTag:
    name: str
    spec: str | None  # a Python format such as ".2%", or None for the value's own format
    start: int
    end: int
    line: int


def find_figure_tags(markdown: str, first_line: int = 1) -> list[FigureTag]:
    """The figure tags of a page, in order; raises `TagError` for a malformed one."""
    lines = LineIndex(markdown, first_line)
    found = []
    for tag in mdscan.tags(markdown, "figure"):
        line = lines.line(tag.start)
        args = _arguments(tag, line, 'write {% figure "name" param=value caption="..." %}')
        if len(args.positional) != 1 or not isinstance(args.positional[0], str) or not args.positional[0]:
            raise TagError(line, 'a figure tag names one figure first, in quotes: {% figure "shap-digit" ... %}')
        caption = args.named.pop("caption", "")
        label = args.named.pop("id", None)
        interactive = args.named.pop("interactive", None)
        if interactive is not None and not isinstance(interactive, bool):
            raise TagError(line, f"interactive must be true or false, got {arguments.literal(interactive)}")
        if not isinstance(caption, str):
            raise TagError(line, f"caption must be a quoted string, got {caption!r}")
        if label is not None and (not isinstance(label, str) or not _LABEL.fullmatch(label)):
            raise TagError(line, f"a figure's id starts with 'fig-' and holds letters, digits, - and _: got {label!r}")
        _check_caption(caption, line)
        before = markdown[markdown.rfind("\n", 0, tag.start) + 1 : tag.start]
        after_end = markdown.find("\n", tag.end)
        after = markdown[tag.end : len(markdown) if after_end < 0 else after_end]
        if before.strip() or after.strip():
            raise TagError(line, "a figure tag must stand on a line of its own")
        if before:  # md_in_html's <figure markdown> breaks inside a list item or an admonition
            raise TagError(
                line, "a figure tag must start its line, outside lists, admonitions and other indented blocks, "
                "where its figure cannot be shown whole"
            )  # fmt: skip
        found.append(FigureTag(args.positional[0], args.named, caption, label, tag.start, tag.end, line, interactive))
    return found


_FIGURE_HTML = re.compile(r"</?fig(?:ure|caption)\b", re.IGNORECASE)


def _check_caption(caption: str, line: int) -> None:
    """A caption that would break its figure is an error: md_in_html ends the figure at a
    ``</figure>`` or ``</figcaption>`` anywhere in it, code spans included, and a figure
    cannot stand inside another's caption."""
    found = _FIGURE_HTML.search(caption)
    if found:
        raise TagError(line, f"a caption cannot hold '{found[0]}>', which would end the figure there (in code too); "
                             f"write it as &lt;{found[0][1:]}&gt; outside code")  # fmt: skip
    if any(tag.name == "figure" for tag in mdscan.tags(caption)):
        raise TagError(line, "a caption cannot hold a figure tag; put the other figure on a line of its own")


def find_value_tags(markdown: str, first_line: int = 1) -> list[ValueTag]:
    """The value tags of a page, in order; raises `TagError` for a malformed one."""
    lines = LineIndex(markdown, first_line)
    found = []
    for tag in mdscan.tags(markdown, "value"):
        line = lines.line(tag.start)
        args = _arguments(tag, line, 'write {% value "model.holdout_accuracy" %}')
        spec = args.named.pop("format", None)
        if len(args.positional) != 1 or not isinstance(args.positional[0], str) or args.named:
            raise TagError(line, 'write {% value "model.holdout_accuracy" %} or add format=".2%"')
        if spec is not None and not isinstance(spec, str):
            raise TagError(line, f'format must be a quoted string such as ".2%", got {spec!r}')
        found.append(ValueTag(args.positional[0], spec, tag.start, tag.end, line))
    return found


def _arguments(tag: mdscan.Tag, line: int, usage: str) -> arguments.Arguments:
    try:
        return arguments.parse(tag.args)
    except arguments.ArgumentError as error:
        raise TagError(line, f"{{% {tag.name} %}}: {error}; {usage}") from None


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Download:
    label: str  # the file's name as the reader sees it
    url: str  # relative to the page
    filename: str  # the name a download gets


@dataclass(frozen=True)
class FigureView:
    """What the page shows of one computed figure."""

    light: str  # URL of the light PNG relative to the page's source file
    dark: str
    width: int
    height: int
    alt: str
    title: str  # one line on where the numbers come from, shown on hover
    name: str
    params: dict[str, Any]
    provenance: str = ""  # the same line, in the making-of block
    made_page: str = ""  # the figure's provenance page, from the site's root (/how-it-was-made/...)
    downloads: Sequence[Download] = ()
    view: str = ""  # the interactive view's spec, from the site's root; "" for the images alone
    view_files: dict[str, str] | None = None  # its data files: name in the spec -> name in the same folder


def _attr(value: str) -> str:
    """A value safe inside attr_list's double quotes (which allow no escapes)."""
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("}", "&#125;")


def render_figure(tag: FigureTag, view: FigureView, anchor: str, indent: str = "") -> str:
    """The Markdown (with md_in_html) of a figure: both palettes, the caption, how it was made.

    A labelled figure's number is added to its caption by the cross-references
    (`explaining_machines.citations.xref`), which number the page before it is rendered."""
    common = (
        f'alt="{_attr(view.alt)}" title="{_attr(view.title)}" '
        f'width="{view.width}" height="{view.height}" loading="lazy"'
    )
    caption = tag.caption
    lines = [
        f'<figure class="computed-figure" id="{anchor}" markdown>',
        "",
        f"![]({view.light}#only-light){{ {common} }}",
        f"![]({view.dark}#only-dark){{ {common} }}",
        "",
    ]
    if view.view:
        lines += [interactive_view(view), ""]
    if caption:
        lines.append(f'<figcaption markdown="span">{caption}</figcaption>')
    lines += ["</figure>", "", *how_made(view)]
    return "\n".join(indent + line if line else line for line in lines)


def interactive_view(view: FigureView) -> str:
    """The element the page's script fills with the interactive view (hidden until it does).

    ``data-src`` is root-absolute, and made relative to the page as ``src`` is
    (`explaining_machines.pages.urls`); the data files' names are resolved against it.
    Without script, in print, in feeds and in blog excerpts, only the images show."""
    files = html.escape(json.dumps(view.view_files or {}, sort_keys=True, separators=(",", ":")), quote=True)
    return (
        f'<div class="figure-view" hidden data-src="{html.escape(view.view, quote=True)}" '
        f'data-files="{files}" data-alt="{html.escape(view.alt, quote=True)}"></div>'
    )


def how_made(view: FigureView) -> list[str]:
    """The collapsed block under a figure: its parameters, where its numbers come from, its data,
    and links to its provenance page (the recipe's code, the record, the chain from the data)."""
    if not view.made_page:
        return []
    params = ", ".join(f"`{name}={arguments.literal(value)}`" for name, value in view.params.items())
    made = f"Drawn by the recipe `{view.name}`" + (f" with {params}" if params else "")
    lines = [
        '<details class="figure-made" markdown>',
        "<summary>How this figure was made</summary>",
        "",
        made + (f", from {html.escape(view.provenance)}." if view.provenance else "."),
    ]
    if view.downloads:
        links = ", ".join(
            f'[{html.escape(d.label)}]({d.url}){{ download="{_attr(d.filename)}" }}' for d in view.downloads
        )
        lines.append(f"The data behind it: {links}.")
    page = html.escape(view.made_page, quote=True)
    lines += [
        f'<a href="{page}">The recipe\'s code and what its computation recorded</a>, '
        f'<a href="{page}#chain">the chain from the data</a>.',
        "",
        "</details>",
    ]
    return lines


def replace_figures(markdown: str, rendered: Sequence[tuple[FigureTag, str]]) -> str:
    """`markdown` with each figure tag's whole line replaced by its rendering (already indented)."""
    pieces, last = [], 0
    for tag, text in rendered:
        line_start = markdown.rfind("\n", 0, tag.start) + 1
        pieces.append(markdown[last:line_start])
        pieces.append("\n" + text + "\n")
        last = tag.end
    pieces.append(markdown[last:])
    return "".join(pieces)


def _text(value: str) -> str:
    """A formatted value as text that Markdown reads as text: every character but letters,
    digits, ``.,%`` and single spaces as a character reference, so that a fill of ``*``, ``_``,
    a backtick, ``$`` or spaces makes no emphasis, code, math or indented block."""
    text = "".join(char if char.isalnum() or char in ".,% " else f"&#{ord(char)};" for char in value)
    return re.sub(r" {2,}", lambda run: "&#32;" * len(run[0]), text)  # a lone space is a word's


def replace_values(markdown: str, rendered: Sequence[tuple[ValueTag, str]]) -> str:
    """`markdown` with each value tag replaced by its formatted number, as text."""
    pieces, last = [], 0
    for tag, text in rendered:
        pieces.append(markdown[last : tag.start])
        pieces.append(_text(text))
        last = tag.end
    pieces.append(markdown[last:])
    return "".join(pieces)


def indent_of(markdown: str, tag: FigureTag) -> str:
    """The white space before a figure tag on its line (inside a list item or an admonition)."""
    return markdown[markdown.rfind("\n", 0, tag.start) + 1 : tag.start]
