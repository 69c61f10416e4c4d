"""Numbered cross-references: labels on figures, equations and tables, as Quarto writes them.

* A computed figure: ``{% figure "shap-digit" id="fig-seven" caption="..." %}``.
* A display equation: ``{#eq-shapley}`` after its closing ``$$`` (on the same line).
* A Markdown table: a caption line right after (or before) it, ``: The caption {#tbl-runs}``
  (``Table: The caption {#tbl-runs}`` works too).

Each kind is numbered per page in order of appearance. References use the citation
syntax (`explaining_machines.citations`): ``@fig-seven`` or ``[see @fig-seven]`` reads
"Figure 2", ``[-@fig-seven]`` reads "2"; a label of another page reads "Figure 2 in
*Its title*". This module finds the labels, numbers them, and writes the numbers into
the page's Markdown: "Figure 2:" before a figure's caption, "(1)" beside an equation
(as a ``\\tag`` and ``\\label``, which `explaining_machines.mathml` renders), a caption
above a table. Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from explaining_machines import computed
from explaining_machines.errors import LocatedError, did_you_mean
from explaining_machines.pages import urls
from explaining_machines.source import mdscan
from explaining_machines.source.mdscan import LineIndex

KINDS = {"fig": "Figure", "eq": "Equation", "tbl": "Table"}
_EQUATION = re.compile(
    r"^(?P<indent>(?:[ \t]*>)*[ \t]*)\$\$(?P<tex>(?:(?!\$\$).)+?)\$\$[ \t]*(?:\{#(?P<label>[^}\s]*)\})?[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_TABLE_CAPTION = re.compile(r"^(?P<indent>[ \t]*)(?:Table)?:[ \t]+(?P<caption>.*?)[ \t]*\{#(?P<label>[^}\s]*)\}[ \t]*$")
_LABEL = re.compile(r"(?:fig|eq|tbl)-[\w][\w-]*")
_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_STRAY_LABEL = re.compile(r"\{#(?P<kind>eq|tbl)-[^}\s]*\}")


class XrefError(LocatedError):
    """A label that cannot be used; `line` is its 1-based line in the file."""


@dataclass(frozen=True)
class Label:
    """A numbered thing a page defines, and where."""

    name: str  # "fig-seven"
    kind: str  # "fig", "eq" or "tbl"
    number: str  # "2"; an equation's own \\tag if it has one
    caption: str  # the caption's text, or an equation's TeX: what a reference's tooltip shows
    line: int
    start: int = 0  # offsets in the page's Markdown body
    end: int = 0


def find_labels(markdown: str, first_line: int = 1) -> list[Label]:
    """The labels a page defines, numbered per kind in order; `XrefError` for a bad or repeated one."""
    lines = LineIndex(markdown, first_line)
    found: list[Label] = []
    for tag in computed.find_figure_tags(markdown, first_line):
        if tag.label:
            found.append(Label(tag.label, "fig", "", plain(tag.caption), tag.line, tag.start, tag.end))
    for match in mdscan.finditer_outside_code(_EQUATION, markdown):
        if match["label"] is not None:
            line = lines.line(match.end() - 1)
            _check(match["label"], "eq", line)
            tag = _TAG.search(match["tex"])
            found.append(Label(match["label"], "eq", tag[1] if tag else "", match["tex"].strip(), line,
                               match.start(), match.end()))  # fmt: skip
    for caption in _table_captions(markdown):
        line = lines.line(caption.start)
        _check(caption.match["label"], "tbl", line)
        if caption.match["indent"]:
            raise XrefError(line, "a numbered table must start its line, outside lists, admonitions and other "
                                  "indented blocks, where its caption cannot be shown")  # fmt: skip
        found.append(Label(caption.match["label"], "tbl", "", plain(caption.match["caption"]), line,
                           caption.start, caption.end))  # fmt: skip
    for match in mdscan.finditer_outside_code(_STRAY_LABEL, markdown):
        if not any(label.start <= match.start() < label.end for label in found):
            where = {"eq": "after the closing $$ of a display equation that starts its line",
                     "tbl": "at the end of a caption line right before or after a table"}[match["kind"]]  # fmt: skip
            raise XrefError(lines.line(match.start()), f"the label {match.group()} must stand {where}; "
                                                       "here it would show as text")  # fmt: skip
    return _numbered(sorted(found, key=lambda label: label.start))


def _check(label: str, kind: str, line: int) -> None:
    if not _LABEL.fullmatch(label) or not label.startswith(kind + "-"):
        noun = {"eq": "an equation", "tbl": "a table"}[kind]
        raise XrefError(line, f"the label of {noun} starts with '{kind}-' and holds letters, digits, - and _: "
                              f"got {label!r}")  # fmt: skip


def _numbered(labels: list[Label]) -> list[Label]:
    counts: dict[str, int] = {}
    seen: dict[str, Label] = {}
    numbered = []
    for label in labels:
        if label.name in seen:
            raise XrefError(label.line, f"label '{label.name}' is defined twice: on line {seen[label.name].line} "
                                        f"and on line {label.line}")  # fmt: skip
        seen[label.name] = label
        if not label.number:  # an equation with its own \tag does not step the count, as in LaTeX
            counts[label.kind] = counts.get(label.kind, 0) + 1
        number = label.number or str(counts[label.kind])
        numbered.append(Label(label.name, label.kind, number, label.caption, label.line, label.start, label.end))
    return numbered


@dataclass(frozen=True)
class _TableCaption:
    start: int  # the caption line, without its line end
    end: int
    match: re.Match[str]
    table: tuple[int, int]  # the table's lines, with their line ends


def _table_captions(markdown: str) -> list[_TableCaption]:
    """Caption lines with a label that stand right after or before a table (outside code)."""
    lines = markdown.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    literal = mdscan.scan(markdown).literal
    found = []
    for i, line in enumerate(lines):
        match = _TABLE_CAPTION.match(line.rstrip("\n"))
        if match is None or any(start <= offsets[i] < end for start, end in literal):
            continue
        table = _table_next_to(lines, i)
        if table is not None:
            first, last = table
            found.append(_TableCaption(offsets[i], offsets[i] + len(line.rstrip("\n")), match,
                                       (offsets[first], offsets[last + 1])))  # fmt: skip
    return found


def _table_next_to(lines: list[str], i: int) -> tuple[int, int] | None:
    """The first and last line of the table that caption line `i` belongs to.

    A table right next to the caption, with no blank line between, comes first (the one
    after it, then the one before); else the table one blank line before it (a caption
    after its table, as Quarto writes it), then the one one blank line after it.
    """
    for step, gap in ((1, 0), (-1, 0), (-1, 1), (1, 1)):
        j = i + step
        if gap and 0 <= j < len(lines) and not lines[j].strip():
            j += step
        elif gap:
            continue
        if not (0 <= j < len(lines) and lines[j].lstrip().startswith("|")):
            continue
        k = j
        while 0 <= k + step < len(lines) and lines[k + step].lstrip().startswith("|"):
            k += step
        return (min(j, k), max(j, k))
    return None


def plain(markdown: str) -> str:
    """Caption Markdown as plain text for a tooltip: no emphasis marks, links reduced to their
    text, no citations (a tooltip cannot show their numbers) and no tags."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\{%.*?%\}", "", text)
    text = re.sub(r"\s*\[[^\[\]]*@[^\[\]]*\]", "", text)  # [@key], [see @key, p. 3]
    return re.sub(r"[*_`]", "", text).strip()


# --------------------------------------------------------------------------- resolving


@dataclass(frozen=True)
class PageLabels:
    """The labels of one page, and what a reference from elsewhere says of the page."""

    src_uri: str
    title: str
    labels: dict[str, Label]


def resolve(name: str, page: str, pages: dict[str, PageLabels], line: int) -> tuple[PageLabels, Label]:
    """The label `name` referred to from `page`: the page's own first, else the one other page
    that defines it. `XrefError` with a did-you-mean, or naming the pages when two define it."""
    own = pages.get(page)
    if own is not None and name in own.labels:
        return own, own.labels[name]
    holders = [p for p in pages.values() if name in p.labels]
    if len(holders) == 1:
        return holders[0], holders[0].labels[name]
    if len(holders) > 1:
        where = " and ".join(sorted(p.src_uri for p in holders))
        raise XrefError(line, f"label '{name}' is defined on several pages ({where}); refer to it from one of them")
    known = sorted({n for p in pages.values() for n in p.labels if n.split("-")[0] == name.split("-")[0]})
    hint = did_you_mean(name, known)
    return _fail(line, f"unknown label '{name}'{hint} (known {KINDS.get(name.split('-')[0], '').lower()} "
                       f"labels: {', '.join(known) or 'none'})")  # fmt: skip


def is_label(name: str, pages: dict[str, PageLabels]) -> bool:
    """Whether any page of the site defines the label `name`."""
    return any(name in page.labels for page in pages.values())


def _fail(line: int, message: str):
    raise XrefError(line, message)


def reference_text(page: str, holder: PageLabels, label: Label) -> tuple[str, str]:
    """What a reference reads (Markdown) and where it links, from the page at `page`."""
    text = f"{KINDS[label.kind]} {label.number}"
    if holder.src_uri == page:
        return text, f"#{label.name}"
    url = urls.relative(holder.src_uri, page)
    return f"{text} in *{_md_escape(holder.title)}*", f"{url}#{label.name}"


def _md_escape(text: str) -> str:
    return "".join(f"&#{ord(c)};" if c in "*_[]<>&\\`" else c for c in text)


# --------------------------------------------------------------------------- numbering the page


def number_page(markdown: str, first_line: int, labels: dict[str, Label]) -> str:
    """`markdown` with its numbers written in: equations tagged and anchored, tables captioned,
    figure captions prefixed (the figure tags must already be rendered into ``<figure id=...>``)."""
    edits: list[tuple[int, int, str]] = []
    for match in mdscan.finditer_outside_code(_EQUATION, markdown):
        name = match["label"]
        if name is None or name not in labels:
            continue
        tex = match["tex"]
        tag = "" if _TAG.search(tex) else f"\\tag{{{labels[name].number}}}"
        body = tex.rstrip()
        # The closing $$ keeps its line and its indentation (inside an admonition, a tab or a
        # list item); spaces before it on the formula's own line go.
        closing = tex[len(body) :]
        closing = "\n" + closing.rsplit("\n", 1)[1] if "\n" in closing else ""
        edits.append((match.start(), match.end(), f"{match['indent']}$${body} {tag}\\label{{{name}}}{closing}$$"))
    for caption in _table_captions(markdown):
        name = caption.match["label"]
        if name in labels:
            indent = caption.match["indent"]
            number = f'<span class="table-number">Table {html.escape(labels[name].number)}:</span>'
            opening = (
                f'{indent}<figure class="numbered-table" id="{name}" markdown>\n'
                f'{indent}<figcaption markdown="span">{number} {caption.match["caption"]}</figcaption>\n\n'
            )
            start, end = caption.table
            edits += [(caption.start, caption.end, ""), (start, start, opening), (end, end, f"\n{indent}</figure>\n")]
    for name, label in labels.items():
        if label.kind == "fig":
            edits += _figure_number(markdown, name, label)
    pieces, last = [], 0
    for start, end, text in sorted(edits):
        pieces.append(markdown[last:start])
        pieces.append(text)
        last = max(last, end)
    pieces.append(markdown[last:])
    return "".join(pieces)


def _figure_number(markdown: str, name: str, label: Label) -> list[tuple[int, int, str]]:
    """An edit that writes "Figure 2:" at the start of the rendered figure's caption."""
    opening = markdown.find(f'<figure class="computed-figure" id="{name}" markdown>')
    if opening < 0:
        return []
    close = markdown.find("</figure>", opening)
    caption = markdown.find('<figcaption markdown="span">', opening, close)
    number = f'<span class="figure-number">Figure {html.escape(label.number)}:</span> '
    if caption < 0:  # no caption: the number is the caption
        return [(close, close, f'<figcaption markdown="span">{number.rstrip()}</figcaption>\n')]
    at = caption + len('<figcaption markdown="span">')
    return [(at, at, number)]
