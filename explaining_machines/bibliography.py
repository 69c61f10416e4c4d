"""BibTeX files, read with pybtex and formatted into references.

pybtex parses the files (its errors carry the line), decodes LaTeX in fields
(``{\\"u}`` becomes ``ü``, ``--`` an en dash) and formats entries with one of its
styles. Its HTML backend escapes all text, so a title holding ``<script>`` stays text.
Each file is parsed once and again only when its bytes change, which keeps
`mkdocs serve` fast. Imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pybtex.errors
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import BibliographyData, Entry
from pybtex.database.input import bibtex
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting import alpha, plain, unsrt
from pybtex.style.labels.alpha import LabelStyle as AlphaLabels
from pybtex.style.labels.number import LabelStyle as NumberLabels
from pybtex.style.names.plain import NameStyle as PlainNames
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle
from pybtex.style.sorting.none import SortingStyle as NoSorting
from pybtex.style.template import FieldIsMissing

from explaining_machines.citations import Reference
from explaining_machines.settings import CITATION_LABELS as LABELS
from explaining_machines.settings import CITATION_STYLES as STYLES

__all__ = ["LABELS", "STYLES", "BibFile", "BibliographyError", "MissingFieldError", "format_references", "load",
           "merge"]

# pybtex style behind each style name; "numbered" is BibTeX's unsrt: numbered in order of first citation.
# pybtex styles as classes, with their label, name and sorting styles: given a name, pybtex
# finds a plugin by scanning every installed package's entry points, ~35 ms a lookup.
_PYBTEX_STYLE = {
    "numbered": (unsrt.Style, NumberLabels, NoSorting),
    "unsrt": (unsrt.Style, NumberLabels, NoSorting),
    "plain": (plain.Style, NumberLabels, AuthorYearTitle),
    "alpha": (alpha.Style, AlphaLabels, AuthorYearTitle),
}
_ENTRY_START = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]+)[ \t]*,", re.MULTILINE)


class _SafeHtmlBackend(HtmlBackend):
    """pybtex's HTML backend escapes text but not link targets; this one escapes both.

    A ``url`` or ``doi`` field holding ``"onmouseover=...`` would otherwise break out of
    the href attribute, and a ``javascript:`` URL would run when clicked: only http(s)
    links are made, anything else stays text.
    """

    @staticmethod
    def format_href(url: str, text: str, external: bool = False) -> str:
        if not re.match(r"https?://", url, re.IGNORECASE):
            return text
        return f'<a href="{html.escape(url, quote=True)}">{text}</a>'


class BibliographyError(ValueError):
    """A .bib file cannot be read; the message starts with ``path:line:``."""


class MissingFieldError(BibliographyError):
    """The style needs a field that entry `key` lacks; the caller knows where the entry is."""

    def __init__(self, key: str, field: str, style: str) -> None:
        super().__init__(f"entry '{key}' has no '{field}' field, which style '{style}' needs")
        self.key = key


@dataclass(frozen=True)
class BibFile:
    """A parsed .bib file: its entries and the line where each one starts."""

    path: Path
    display: str  # the path as messages show it
    digest: str
    entries: dict[str, Entry]
    lines: dict[str, int]


_parsed: dict[Path, BibFile] = {}


def load(path: Path, display: str) -> BibFile:
    """Parse `path` (shown as `display` in messages), reusing the last parse if unchanged."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BibliographyError(f"{display}: bibliography file not found") from None
    except OSError as error:
        raise BibliographyError(f"{display}: cannot read bibliography: {error.strerror}") from None
    digest = hashlib.sha256(data).hexdigest()
    cached = _parsed.get(path)
    if cached is not None and cached.digest == digest:
        return cached
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BibliographyError(f"{display}:{line}: not valid UTF-8") from None
    lines = _entry_lines(text, display)
    parsed = _parse(text, display)
    bib = BibFile(path, display, digest, dict(parsed.entries.items()), lines)
    _parsed[path] = bib
    return bib


def _entry_lines(text: str, display: str) -> dict[str, int]:
    """Line of each entry; two entries with one key are an error naming both lines."""
    lines: dict[str, int] = {}
    lowered: dict[str, str] = {}
    for match in _ENTRY_START.finditer(text):
        if match["type"].lower() in ("string", "preamble", "comment"):
            continue
        key = match["key"]
        line = text.count("\n", 0, match.start()) + 1
        first = lowered.get(key.lower())
        if first is not None:
            raise BibliographyError(
                f"{display}:{line}: duplicate key '{key}' (first defined on line {lines[first]})"
            )
        lowered[key.lower()] = key
        lines[key] = line
    return lines


def _parse(text: str, display: str) -> BibliographyData:
    strict = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    try:
        return bibtex.Parser().parse_string(text)
    except PybtexSyntaxError as error:
        _, line, column = error.parser.get_error_context(error.error_context_info)
        where = f"{display}:{line}" + (f":{column}" if column else "")
        reason = str(error).split(": ", 1)[-1]
        raise BibliographyError(f"{where}: BibTeX syntax error: {reason}") from None
    except Exception as error:  # pybtex reports field and name errors with its own classes
        raise BibliographyError(f"{display}: cannot parse bibliography: {error}") from None
    finally:
        pybtex.errors.set_strict_mode(strict)


def merge(files: Sequence[BibFile]) -> tuple[dict[str, Entry], str]:
    """All entries of the page's files (earlier files win) and their names for messages."""
    entries: dict[str, Entry] = {}
    for bib in reversed(files):
        entries.update(bib.entries)
    return entries, ", ".join(str(bib.path.name) for bib in files)


@lru_cache(maxsize=8)
def _style(name: str):
    """One instance per style: they keep no state between bibliographies."""
    style, labels, sorting = _PYBTEX_STYLE[name]
    return style(label_style=labels, name_style=PlainNames, sorting_style=sorting)


def format_references(
    cited: Iterable[str], entries: dict[str, Entry], *, style: str, author_year: bool
) -> dict[str, Reference]:
    """Format the cited entries with pybtex; returns key -> Reference in list order.

    `cited` is in order of first citation. Numbered styles label 1, 2, ...; ``alpha``
    uses pybtex's labels; `author_year` labels "Molnar, 2020" and sorts by author.
    """
    keys = list(dict.fromkeys(cited))
    data = BibliographyData({key: entries[key] for key in keys})
    pybtex_style = _style(style)
    try:
        formatted = list(pybtex_style.format_entries(data.entries.values()))
    except FieldIsMissing as error:  # the style needs a field the entry lacks: find which entry
        for key in keys:
            try:
                list(pybtex_style.format_entries([entries[key]]))
            except FieldIsMissing:
                raise MissingFieldError(key, error.field_name, style) from None
        raise BibliographyError(f"{error} (needed by style '{style}')") from None
    html_backend = _SafeHtmlBackend()
    text_backend = TextBackend()
    labels = _author_year_labels(keys, entries) if author_year else None
    refs = {}
    for entry in formatted:
        label = labels[entry.key] if labels else entry.label
        refs[entry.key] = Reference(
            key=entry.key,
            label=label,
            html=entry.text.render(html_backend).replace("\n", " "),
            text=entry.text.render(text_backend),
        )
    if author_year:
        refs = dict(sorted(refs.items(), key=lambda item: (item[1].label.casefold(), item[0])))
    return refs


def _author_year_labels(keys: list[str], entries: dict[str, Entry]) -> dict[str, str]:
    base = {}
    for key in keys:
        entry = entries[key]
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        names = [_last_name(person) for person in people]
        if not names:
            who = _plain(entry.fields.get("organization", entry.fields.get("title", key)))
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2:
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        base[key] = f"{who}, {_plain(entry.fields.get('year', 'n.d.'))}"
    # Two entries with one label get 2020a, 2020b, in citation order.
    labels = {}
    for key in keys:
        twins = [k for k in keys if base[k] == base[key]]
        suffix = chr(ord("a") + twins.index(key)) if len(twins) > 1 else ""
        labels[key] = base[key] + suffix
    return labels


def _last_name(person) -> str:
    parts = person.rich_prelast_names + person.rich_last_names
    return " ".join(part.render_as("text") for part in parts)


def _plain(latex: str) -> str:
    from pybtex.richtext import Text

    return Text.from_latex(latex).render_as("text")
