"""Citations in Markdown: parse both syntaxes, and render them as links.

Two syntaxes are accepted, in any page, outside code:

* Liquid, as Jekyll and Eleventy authors write it: ``{% cite "key" %}``,
  ``{% cite "a", "b" %}``, ``{% cite a b %}`` and a locator with ``-l 12`` or
  ``--locator 12``.
* Pandoc, as Quarto and MyST authors write it: ``[@key]``, ``[@a; @b]`` and
  ``[@key, p. 12]``.

A citation becomes Markdown, not raw HTML: ``[1](#ref-key "full reference"){#cite-key-1}``.
Markdown links are what Material's blog rewrites when it shows an excerpt of a post on
an index page, so a citation in an excerpt still points at the post's reference list.

This module imports nothing from MkDocs; `hooks/citations_hook.py` wires it in.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from explaining_machines.mdscan import LineIndex, finditer_outside_code

# A BibTeX key: no white space, and none of the characters BibTeX itself rejects.
_KEY = r"[^\s,{}\"'#%()=~\\\[\];@]+"
_LIQUID = re.compile(r"\{%-?\s*cite\b(?P<args>.*?)-?%\}|\{%-?\s*cite\b(?P<unclosed>)", re.DOTALL)
_PANDOC = re.compile(
    r"\[(?P<body>(?:[^\[\]\n]|\n(?![ \t]*\n))*?(?:^|(?<=[\s;\[-]))-?@(?:[^\[\]\n]|\n(?![ \t]*\n))*)\]"
    r"(?![(\[:])",
    re.MULTILINE,
)
_PANDOC_UNCLOSED = re.compile(r"\[-?@(?:[^\]\n]|\n(?![ \t]*\n))*(?=\n[ \t]*\n|\Z)")
_PANDOC_ITEM = re.compile(rf"^(?P<prefix>.*?)-?@(?P<key>{_KEY})?(?P<rest>.*)$", re.DOTALL)
_LIQUID_TOKEN = re.compile(r'"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\'|(?P<comma>,)|(?P<word>[^\s,"\']+)')
_BIBLIOGRAPHY_MARKER = re.compile(r"^[ \t]*\{%-?\s*bibliography\s*-?%\}[ \t]*$", re.MULTILINE)


class CitationError(ValueError):
    """A citation an author wrote cannot be understood or resolved; `line` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class CiteItem:
    """One cited key, with an optional locator such as ``p. 12``."""

    key: str
    locator: str = ""


@dataclass(frozen=True)
class Citation:
    """One citation as written: its items and where it stands in the text."""

    items: tuple[CiteItem, ...]
    start: int
    end: int
    line: int


def find_citations(markdown: str, first_line: int = 1) -> list[Citation]:
    """Return the citations of a page, in order, skipping code.

    `first_line` is the file line of the first line of `markdown` (front matter
    shifts it). Raises `CitationError` for a malformed citation.
    """
    lines = LineIndex(markdown, first_line)
    found: list[Citation] = []
    for match in finditer_outside_code(_LIQUID, markdown):
        line = lines.line(match.start())
        if match["args"] is None:
            raise CitationError(line, "unclosed '{% cite' tag: expected '%}'")
        items = _parse_liquid(match["args"], line)
        found.append(Citation(items, match.start(), match.end(), line))
    for match in finditer_outside_code(_PANDOC, markdown):
        line = lines.line(match.start())
        found.append(Citation(_parse_pandoc(match["body"], line), match.start(), match.end(), line))
    taken = [(c.start, c.end) for c in found]
    for match in finditer_outside_code(_PANDOC_UNCLOSED, markdown):
        if not any(start <= match.start() < end for start, end in taken):
            raise CitationError(lines.line(match.start()), "unclosed '[@' citation: expected ']'")
    return sorted(found, key=lambda c: c.start)


def _parse_liquid(args: str, line: int) -> tuple[CiteItem, ...]:
    keys: list[str] = []
    locator = ""
    tokens = list(_LIQUID_TOKEN.finditer(args))
    i = 0
    while i < len(tokens):
        token = tokens[i]
        word = token["word"]
        if token["comma"]:
            i += 1
            continue
        if word in ("-l", "--locator"):
            if i + 1 >= len(tokens) or tokens[i + 1]["comma"]:
                raise CitationError(line, f"'{word}' in '{{% cite %}}' needs a locator after it")
            nxt = tokens[i + 1]
            locator = next(v for v in (nxt["dq"], nxt["sq"], nxt["word"]) if v is not None)
            i += 2
            continue
        if word is not None and word.startswith("-"):
            raise CitationError(line, f"unknown option '{word}' in '{{% cite %}}'; use -l or --locator")
        key = next(v for v in (token["dq"], token["sq"], word) if v is not None)
        keys.append(_check_key(key, line))
        i += 1
    if not keys:
        raise CitationError(line, "empty citation: '{% cite %}' names no key")
    # A locator belongs to the last key, as in jekyll-scholar.
    items = [CiteItem(k) for k in keys[:-1]] + [CiteItem(keys[-1], locator)]
    return tuple(items)


def _parse_pandoc(body: str, line: int) -> tuple[CiteItem, ...]:
    items = []
    for part in body.split(";"):
        match = _PANDOC_ITEM.match(part.strip())
        if not match or "@" not in part:
            raise CitationError(line, f"'[{body}]': every part of a citation needs an @key")
        if match["key"] is None:
            raise CitationError(line, f"empty citation key in '[{body}]'")
        key = _check_key(match["key"].rstrip(".:"), line)
        rest = match["rest"].strip()
        if rest and not rest.startswith(","):
            raise CitationError(line, f"unexpected text {rest!r} after '@{key}'; write '[@{key}, p. 1]'")
        items.append(CiteItem(key, rest.lstrip(",").strip()))
    return tuple(items)


def _check_key(key: str, line: int) -> str:
    if not key.strip():
        raise CitationError(line, "empty citation key")
    if not re.fullmatch(_KEY, key):
        raise CitationError(line, f"invalid citation key {key!r}")
    return key


# --------------------------------------------------------------------------- rendering


@dataclass(frozen=True)
class Reference:
    """A formatted bibliography entry: its label and its HTML and plain-text forms."""

    key: str
    label: str
    html: str
    text: str


@dataclass
class PageCitations:
    """The rendered citations of one page and the references they point to."""

    markdown: str
    references: list[Reference]
    backlinks: dict[str, list[str]] = field(default_factory=dict)


def unknown_key_message(key: str, known: list[str], sources: str) -> str:
    """The message for a key that no bibliography of the page defines."""
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    if close:
        return f"unknown citation key '{key}'; did you mean {' or '.join(repr(k) for k in close)}?"
    return f"unknown citation key '{key}' (not in {sources})"


def anchor_id(key: str) -> str:
    """The HTML id of a key's reference entry (keys may hold characters ids should not)."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def render_citations(
    markdown: str,
    citations: list[Citation],
    references: Mapping[str, Reference],
    *,
    author_year: bool,
) -> PageCitations:
    """Replace each citation in `markdown` with links to its references.

    `references` maps every key the page cites to its formatted entry, in the
    order the reference list shows them.
    """
    counts: dict[str, int] = {}
    backlinks: dict[str, list[str]] = {}
    pieces: list[str] = []
    last = 0
    for citation in citations:
        links = []
        for item in citation.items:
            ref = references[item.key]
            counts[item.key] = counts.get(item.key, 0) + 1
            cite_id = f"cite-{anchor_id(item.key)[4:]}-{counts[item.key]}"
            backlinks.setdefault(item.key, []).append(cite_id)
            link = f'[{_md_text(ref.label)}](#{anchor_id(item.key)} "{_md_title(ref.text)}"){{#{cite_id} .citation}}'
            links.append(link + (f", {_md_text(item.locator)}" if item.locator else ""))
        has_locator = any(item.locator for item in citation.items)
        joined = ("; " if author_year or has_locator else ", ").join(links)
        pieces.append(markdown[last : citation.start])
        pieces.append(f"({joined})" if author_year else f"\\[{joined}\\]")
        last = citation.end
    pieces.append(markdown[last:])
    ordered = [ref for key, ref in references.items() if key in counts]
    return PageCitations("".join(pieces), ordered, backlinks)


def render_reference_list(page: PageCitations, heading: str, *, numbered: bool) -> str:
    """The Markdown of the References section: a heading and a raw-HTML list."""
    tag = "ol" if numbered else "ul"
    rows = []
    for ref in page.references:
        backs = " ".join(
            f'<a class="citation-backlink" href="#{cite_id}" title="Back to citation {n}">'
            f"&#8617;&#xFE0E;{n if len(page.backlinks[ref.key]) > 1 else ''}</a>"
            for n, cite_id in enumerate(page.backlinks[ref.key], start=1)
        )
        label = f'<span class="reference-label">[{html.escape(ref.label)}]</span> ' if numbered else ""
        rows.append(f'<li id="{anchor_id(ref.key)}">{label}{ref.html} {backs}</li>')
    items = "\n".join(rows)
    return f'## {heading} {{ #references }}\n\n<{tag} class="references">\n{items}\n</{tag}>\n'


def place_reference_list(markdown: str, section: str) -> str:
    """Put the References section where the page writes ``{% bibliography %}``, else at the end."""
    marker = next(finditer_outside_code(_BIBLIOGRAPHY_MARKER, markdown), None)
    if marker is None:
        return markdown.rstrip("\n") + "\n\n" + section
    return markdown[: marker.start()] + section + markdown[marker.end() :]


def _md_text(text: str) -> str:
    """Text safe to put in Markdown: every character that could be markup becomes an entity."""
    return "".join(c if c.isalnum() or c in " ,;" else f"&#{ord(c)};" for c in text)


_TITLE_UNSAFE = {"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\\": "&#92;", "(": "&#40;", ")": "&#41;"}


def _md_title(text: str) -> str:
    """Text safe inside a Markdown link title; Python-Markdown keeps entities as they are."""
    return "".join(_TITLE_UNSAFE.get(c, c) for c in text)
