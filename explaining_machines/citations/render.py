"""Citations rendered: links to the reference list or to a cross-reference target, and the list itself.

A citation becomes Markdown, not raw HTML: ``[1](#ref-key "full reference"){#cite-key-1}``.
Material's blog rewrites Markdown links when it shows an excerpt of a post on an index
page, so a citation in an excerpt still points at the post's reference list. Inside a
raw HTML block, where Markdown is not read, it becomes the same link as HTML; inside
link text or an image's alt text, where a link cannot go, it becomes its plain label.
The reference list stands where the page writes ``{% bibliography %}``, else at the end.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from explaining_machines.citations.entries import Reference, Target, anchor_id
from explaining_machines.citations.syntax import LOCATOR_START, Citation, CitationError, CiteItem
from explaining_machines.source import mdscan
from explaining_machines.source.mdscan import LineIndex


@dataclass
class PageCitations:
    """The rendered citations of one page and the references they point to."""

    markdown: str
    references: list[Reference]
    backlinks: dict[str, list[str]] = field(default_factory=dict)


def render_citations(
    markdown: str,
    citations: list[Citation],
    references: Mapping[str, Reference],
    *,
    author_year: bool,
    targets: Mapping[str, Target] | None = None,
    page_token: str = "",
) -> PageCitations:
    """Replace each citation in `markdown` with links to its references or cross-reference targets.

    `references` maps every bibliography key the page cites to its formatted entry, in
    the order the reference list shows them; `targets` maps each cross-reference label.
    `page_token` goes into the citations' ids, so that two excerpts on one blog index
    page never share an id.
    """
    renderer = _Renderer(references, targets or {}, author_year, page_token)
    pieces: list[str] = []
    last = 0
    for citation in citations:
        pieces.append(markdown[last : citation.start])
        pieces.append(renderer.citation(citation))
        last = citation.end
    pieces.append(markdown[last:])
    ordered = [ref for key, ref in references.items() if key in renderer.backlinks or key in renderer.cited]
    return PageCitations("".join(pieces), ordered, renderer.backlinks)


# Brackets around numbered citations, as entities: a Markdown "[" would start a link, and
# "\\[" at the start of a paragraph is display math to pymdownx.arithmatex.
_OPEN, _CLOSE = "&#91;", "&#93;"


class _Renderer:
    def __init__(self, references, targets, author_year: bool, page_token: str) -> None:
        self.references, self.targets, self.author_year = references, targets, author_year
        self.prefix = f"cite-{page_token}-" if page_token else "cite-"
        self.counts: dict[str, int] = {}
        self.backlinks: dict[str, list[str]] = {}
        self.cited: set[str] = set()

    def citation(self, citation: Citation) -> str:
        if citation.in_text:
            return self._in_text(citation)
        items = [self._item(item, citation.context) for item in citation.items]
        if all(self._targets(item) for item in citation.items):
            return "; ".join(items)  # cross-references alone read as words: "see Figure 2"
        plain = not any(item.prefix or item.suffix for item in citation.items)
        joined = (", " if plain and not self.author_year else "; ").join(items)
        if citation.context == "html":
            return f"({joined})" if self.author_year else f"[{joined}]"
        return f"({joined})" if self.author_year else f"{_OPEN}{joined}{_CLOSE}"

    def _targets(self, item: CiteItem) -> bool:
        """Whether `item` refers to a figure, equation or table (``@{fig-x}`` is a .bib key)."""
        return item.is_reference and item.key in self.targets

    def _item(self, item: CiteItem, context: str) -> str:
        if self._targets(item):
            target = self.targets[item.key]
            shown = target.number if item.suppress_author else target.text
            # A reference to this page's own figure or equation gets crossref.js's preview of the
            # target; a title would also give it Material's tooltip (content.tooltips), a second
            # bubble beside the preview. One to another page keeps its title: its only preview.
            title = "" if target.url.startswith("#") else target.title
            link = self._link(item.key, shown, target.url, title, target.css, context, count=False)
            return _join(item.prefix, link, item.suffix)
        ref = self.references[item.key]
        self.cited.add(item.key)
        label = ref.year if self.author_year and item.suppress_author and ref.year else ref.label
        link = self._link(item.key, _md_text(label), f"#{anchor_id(item.key)}", ref.text, "citation", context)
        return _join(item.prefix, link, item.suffix)

    def _in_text(self, citation: Citation) -> str:
        (item,) = citation.items
        if self._targets(item):
            return self._item(item, citation.context)
        ref = self.references[item.key]
        self.cited.add(item.key)
        names = _md_text(ref.names) if ref.names else ""
        if self.author_year and ref.names and ref.year:
            inner = _md_text(ref.year) + (f", {item.suffix.lstrip(', ')}" if item.suffix else "")
            shown = f"{names} ({inner})"
            return self._link(item.key, shown, f"#{anchor_id(item.key)}", ref.text, "citation", citation.context)
        link = self._link(item.key, _md_text(ref.label), f"#{anchor_id(item.key)}", ref.text, "citation",
                          citation.context)  # fmt: skip
        bracket = _join("", link, item.suffix)
        if self.author_year:
            bracket = f"({bracket})"
        else:
            bracket = f"[{bracket}]" if citation.context == "html" else f"{_OPEN}{bracket}{_CLOSE}"
        return f"{names} {bracket}" if names else bracket

    def _link(self, key: str, shown: str, url: str, title: str, css: str, context: str, count: bool = True) -> str:
        """A link in the form the context needs; its id is recorded for the back-links."""
        if context == "text":  # inside link text or alt text: no link can go there
            return shown
        cite_id = ""
        if count:
            self.counts[key] = self.counts.get(key, 0) + 1
            cite_id = f"{self.prefix}{anchor_id(key)[4:]}-{self.counts[key]}"
            self.backlinks.setdefault(key, []).append(cite_id)
        # A title is one line: a line break inside a link would end it in a table cell, a
        # list item or an admonition (a caption or an equation may span lines).
        title = " ".join(title.split())
        if context == "html":
            ident = f' id="{cite_id}"' if cite_id else ""
            named = f' title="{html.escape(title)}"' if title else ""
            return f'<a class="{css}" href="{html.escape(url)}"{ident}{named}>{shown}</a>'
        ident = f"#{cite_id} " if cite_id else ""
        named = f' "{_md_title(title)}"' if title else ""
        return f"[{shown}]({url}{named}){{{ident}.{css}}}"


def _join(prefix: str, link: str, suffix: str) -> str:
    """An item as read: ``see [1], p. 4`` (a locator after a comma, other text after a space)."""
    text = f"{prefix} {link}" if prefix else link
    if suffix.startswith(","):
        return text + suffix
    if suffix:
        text += (", " if LOCATOR_START.match(suffix) else " ") + suffix
    return text


_ESCAPED_AT = re.compile(r"\\@")


def unescape_at(markdown: str) -> str:
    """``\\@word`` outside code as the text ``@word`` (Markdown itself keeps the backslash of ``\\@``)."""
    pieces, last = [], 0
    for match in mdscan.finditer_outside_code(_ESCAPED_AT, markdown):
        pieces.append(markdown[last : match.start()])
        last = match.start() + 1
    pieces.append(markdown[last:])
    return "".join(pieces)


def render_reference_list(page: PageCitations, heading: str, *, numbered: bool) -> str:
    """The Markdown of the References section: a heading and a raw-HTML list."""
    tag = "ol" if numbered else "ul"
    rows = []
    for ref in page.references:
        links = page.backlinks.get(ref.key, [])
        backs = " ".join(
            f'<a class="citation-backlink" href="#{cite_id}" title="Back to citation {n}">'
            f"&#8617;&#xFE0E;{n if len(links) > 1 else ''}</a>"
            for n, cite_id in enumerate(links, start=1)
        )
        label = f'<span class="reference-label">[{html.escape(ref.label)}]</span> ' if numbered else ""
        rows.append(f'<li id="{anchor_id(ref.key)}">{label}{ref.html} {backs}'.rstrip() + "</li>")
    items = "\n".join(rows)
    return f'## {heading} {{ #references }}\n\n<{tag} class="references">\n{items}\n</{tag}>\n'


def bibliography_markers(markdown: str) -> list[mdscan.Tag]:
    """The ``{% bibliography %}`` tags outside code: where the reference list goes."""
    return mdscan.tags(markdown, "bibliography")


def check_bibliography_markers(markdown: str, first_line: int = 1) -> None:
    """At most one ``{% bibliography %}``, alone on its line at its start; else `CitationError`:
    anywhere else the reference list, a heading and a raw HTML list, cannot stand."""
    lines = LineIndex(markdown, first_line)
    markers = bibliography_markers(markdown)
    if len(markers) > 1:
        first, second = (lines.line(marker.start) for marker in markers[:2])
        raise CitationError(second, f"'{{% bibliography %}}' is written twice: on line {first} and on line {second}")
    for marker in markers:
        line_start = markdown.rfind("\n", 0, marker.start) + 1
        line_end = markdown.find("\n", marker.end)
        if (
            markdown[line_start : line_end if line_end >= 0 else len(markdown)].strip()
            != markdown[marker.start : marker.end]
            or marker.start != line_start
        ):
            raise CitationError(lines.line(marker.start), "'{% bibliography %}' must stand alone on a line, at its "
                                                          "start, outside lists and other blocks")  # fmt: skip


def place_reference_list(markdown: str, section: str) -> str:
    """Put the References section where the page writes ``{% bibliography %}``, else at the end."""
    markers = bibliography_markers(markdown)
    if not markers:
        return markdown.rstrip("\n") + "\n\n" + section
    marker = markers[0]
    return markdown[: marker.start] + section + markdown[marker.end :]


def remove_bibliography_markers(markdown: str) -> str:
    """A page with no citations: its ``{% bibliography %}`` marker stands for an empty list."""
    for marker in reversed(bibliography_markers(markdown)):
        markdown = markdown[: marker.start] + markdown[marker.end :]
    return markdown


def _md_text(text: str) -> str:
    """Text safe to put in Markdown: every character that could be markup becomes an entity."""
    return "".join(c if c.isalnum() or c in " ,;" else f"&#{ord(c)};" for c in text)


# "|" would split a table cell, "`" pair with a code span further on.
_TITLE_UNSAFE = {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", "(": "&#40;", ")": "&#41;",
                 "|": "&#124;", "`": "&#96;"}  # fmt: skip


def _md_title(text: str) -> str:
    """Text safe inside a Markdown link title; Python-Markdown keeps entities as they are."""
    return "".join(_TITLE_UNSAFE.get(c, c) for c in text)
