"""BibTeX files, read with pybtex and formatted into references.

Reading (`load`): pybtex's low-level BibTeX scanner reads each file and this module builds
the entries, so that one broken entry hides no other. As BibTeX does, a syntax error skips
that entry, and a duplicate key or field keeps the first; each is a `Problem` with its line.
Only a file that cannot be read at all raises `BibliographyError`. A file is parsed once
and again only when its bytes change, which keeps `mkdocs serve` fast.

Formatting (`format_references`): each cited entry is copied and prepared (crossref
followed; biblatex and reference-manager types and fields mapped onto the ones pybtex's
styles know; a DOI written as a URL reduced to the DOI) and formatted with one of pybtex's
styles, extended to render the LaTeX markup and math pybtex leaves as text and to write
"et al." for "and others". A field the style needs and the entry lacks is a `Problem`; the
entry is shown without it. pybtex's HTML backend escapes all text, so a title holding
``<script>`` stays text, and links are made for http(s) only.

Imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pybtex.errors
from pybtex.backends.html import Backend as HtmlBackend
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, SkipEntry, month_names
from pybtex.richtext import BaseMultipartText, HRef, Protected, String, Tag, Text
from pybtex.scanner import PybtexSyntaxError
from pybtex.style import FormattedEntry
from pybtex.style.formatting import unsrt
from pybtex.style.labels.alpha import LabelStyle as AlphaLabels
from pybtex.style.labels.number import LabelStyle as NumberLabels
from pybtex.style.names.plain import NameStyle as PlainNames
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle
from pybtex.style.sorting.none import SortingStyle as NoSorting
from pybtex.style.template import FieldIsMissing, Node, join, node, optional, optional_field, sentence
from pybtex.style.template import field as pybtex_field
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from explaining_machines.citations import Reference
from explaining_machines.mathml import MathError, to_mathml
from explaining_machines.mdscan import LineIndex
from explaining_machines.settings import CITATION_LABELS as LABELS
from explaining_machines.settings import CITATION_STYLES as STYLES

__all__ = ["LABELS", "STYLES", "BibFile", "BibliographyError", "Library", "Problem", "format_references", "load"]

# Label and sorting style behind each style name; the templates are unsrt's for all four
# (pybtex's plain and alpha styles are unsrt with other defaults). "numbered" is BibTeX's
# unsrt: numbered in order of first citation. Classes, not names: given a name, pybtex finds
# a plugin by scanning every installed package's entry points, ~35 ms a lookup.
_PYBTEX_STYLE = {
    "numbered": (NumberLabels, NoSorting),
    "unsrt": (NumberLabels, NoSorting),
    "plain": (NumberLabels, AuthorYearTitle),
    "alpha": (AlphaLabels, AuthorYearTitle),
}
_ROLES = frozenset(Person.valid_roles)  # fields that hold names: author, editor
_NEXT_ENTRY = re.compile(r"^[ \t]*@", re.MULTILINE)


class BibliographyError(ValueError):
    """A .bib file cannot be used at all; the message starts with ``path:`` or ``path:line:``."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a .bib file; the entry is still used as well as it can be."""

    display: str  # the .bib path as messages show it
    line: int  # 1-based
    message: str
    column: int | None = None  # 1-based, for syntax errors
    key: str | None = None  # the entry it is about, when it is about one

    def __str__(self) -> str:
        where = f"{self.display}:{self.line}" + (f":{self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class BibFile:
    """A parsed .bib file: its entries, the line where each one starts, and its problems."""

    path: Path
    display: str
    digest: str
    entries: dict[str, Entry]
    lines: dict[str, int]
    problems: tuple[Problem, ...]


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
    if cached is not None and cached.digest == digest and cached.display == display:
        return cached
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BibliographyError(f"{display}:{line}: not valid UTF-8") from None
    # Windows editors and some exports start the file with a byte-order mark.
    bib = _read(path, display, digest, text.removeprefix("\ufeff"))
    _parsed[path] = bib
    return bib


# --------------------------------------------------------------------------- reading


@dataclass
class _Command:
    """One ``@...`` command as the scanner read it; offsets are into the file's text."""

    start: int
    kind: str  # "article", "string", ...; empty when `error` is set
    key: str | None
    fields: list[tuple[str, str, int]] = field(default_factory=list)  # name, value, offset
    undefined: list[tuple[str, int]] = field(default_factory=list)  # @string names not defined
    error: PybtexSyntaxError | None = None


class _Scanner(LowLevelParser):
    """pybtex's BibTeX scanner, made to say where each field starts and to go on after a
    syntax error. (pybtex's `Parser` stops at the first error, or in non-strict mode keeps
    half an entry and prints to stderr, and it remembers no offsets.)"""

    def __init__(self, text: str) -> None:
        # A copy: @string definitions are added to the macros.
        super().__init__(text, macros=CaseInsensitiveDict(month_names))
        self._undefined: list[tuple[str, int]] = []

    def commands(self) -> Iterator[_Command]:
        while self.skip_to([self.AT]):
            start = self.command_start = self.pos - 1
            self._undefined = []
            try:
                kind, body = self.parse_command()
            except SkipEntry:  # @comment
                continue
            except PybtexSyntaxError as error:
                yield _Command(start, "", self.current_entry_key, error=error)
                # Go on at the next line that starts with '@', as the broken entry may
                # hold an '@' (an e-mail address) and an unclosed brace swallows what follows.
                end_of_line = self.text.find("\n", start)
                following = _NEXT_ENTRY.search(self.text, end_of_line) if end_of_line >= 0 else None
                self.pos = following.start() if following else self.end_pos
                continue
            is_entry = kind.lower() not in ("string", "preamble")
            key, fields = body if is_entry else (None, [])
            yield _Command(start, kind, key, fields, self._undefined)

    def parse_entry_fields(self) -> None:
        # pybtex's loop, keeping the offset of each field.
        while True:
            self.eat_whitespace()
            start = self.pos
            self.current_field_name = None
            self.current_value = []
            self.parse_field()
            if self.current_field_name and self.current_value:
                value = normalize_whitespace("".join(self.current_value))
                self.current_fields.append((self.current_field_name, value, start))
            if not self.optional([self.COMMA]):
                return

    def substitute_macro(self, name: str) -> str:
        # BibTeX warns about an undefined @string name and reads it as empty.
        if name not in self.macros:
            self._undefined.append((name, self.pos - len(name)))
        return self.macros.get(name, "")


def _read(path: Path, display: str, digest: str, text: str) -> BibFile:
    lines = LineIndex(text)
    entries: dict[str, Entry] = {}
    starts: dict[str, int] = {}
    first: dict[str, int] = {}  # lower-cased key -> line: BibTeX keys ignore case
    problems: list[Problem] = []

    def problem(offset: int, message: str) -> None:
        problems.append(Problem(display, lines.line(offset), message))

    for command in _Scanner(text).commands():
        line = lines.line(command.start)
        if command.error is not None:
            problems.append(_syntax_problem(display, text, lines, command))
            continue
        if command.key is not None and command.key.lower() in first:
            earlier = first[command.key.lower()]
            problem(
                command.start, f"duplicate key '{command.key}' (first defined on line {earlier}); this one is ignored"
            )
            continue
        owner = f"entry '{command.key}' uses the " if command.key else ""
        for name, offset in command.undefined:
            problem(offset, f"{owner}undefined string '{name}'; read as empty")
        if command.key is None:  # @string, @preamble
            continue
        first[command.key.lower()] = line
        entry = Entry(command.kind)
        entry.key = command.key
        seen: set[str] = set()
        for name, value, offset in command.fields:
            name_lower = name.lower()
            if name_lower in seen:
                problem(offset, f"entry '{command.key}' has a duplicate '{name_lower}' field; the first value is used")
                continue
            seen.add(name_lower)
            if name_lower not in _ROLES:
                entry.fields[name] = value
                continue
            for person in split_name_list(value):
                with pybtex.errors.capture() as too_many_commas:
                    entry.add_person(Person(person), name_lower)
                if too_many_commas:
                    problem(offset, f"entry '{command.key}': too many commas in the {name_lower} name '{person}'")
        entries[command.key] = entry
        starts[command.key] = line
    return BibFile(path, display, digest, entries, starts, tuple(problems))


def _syntax_problem(display: str, text: str, lines: LineIndex, command: _Command) -> Problem:
    error = command.error
    offset = error.error_context_info[-1]  # (start of command, line pybtex counted, offset)
    column = offset - text.rfind("\n", 0, offset)
    reason = str(error).split(": ", 1)[-1]
    if command.key:
        line = lines.line(command.start)
        entry = f"entry '{command.key}'" + ("" if line == lines.line(offset) else f" (line {line})")
        skipped = f"{entry} is skipped"
    else:
        skipped = "skipped to the next line that starts with '@'"
    return Problem(display, lines.line(offset), f"BibTeX syntax error: {reason}; {skipped}", column)


class Library:
    """The merged view of a page's .bib files: a key in several files is taken from the first."""

    def __init__(self, files: Sequence[BibFile]) -> None:
        self.files = tuple(files)
        self.entries: dict[str, Entry] = {}
        self._where: dict[str, tuple[str, int]] = {}
        for bib in reversed(self.files):
            self.entries.update(bib.entries)
            self._where.update((key, (bib.display, line)) for key, line in bib.lines.items())
        self._folded = {key.lower(): key for key in self.entries}
        self.sources = ", ".join(bib.path.name for bib in self.files) or "no bibliography"
        self.problems = [problem for bib in self.files for problem in bib.problems]

    def where(self, key: str) -> tuple[str, int]:
        """The file (as messages show it) and line of entry `key`."""
        return self._where[key]

    def find(self, key: str) -> str | None:
        """The key as written of the entry `key` names, ignoring case as BibTeX does."""
        return self._folded.get(key.lower())


# --------------------------------------------------------------------------- preparing

# biblatex and reference-manager entry types, as the BibTeX types pybtex's styles format.
# Theses go by their `type` field (`_thesis`). Any other type is shown as misc, with a Problem.
_TYPES = {
    "conference": "inproceedings",
    "report": "techreport",
    "masterthesis": "mastersthesis",
    "collection": "book",
    "mvbook": "book",
    "mvcollection": "book",
    "reference": "book",
    "inreference": "incollection",
    "suppcollection": "incollection",
    "suppbook": "inbook",
    **dict.fromkeys(
        ("online", "electronic", "www", "webpage", "software", "dataset", "patent", "standard", "periodical"),
        "misc",
    ),
    **dict.fromkeys(
        ("video", "audio", "movie", "music", "image", "artwork", "letter", "legislation", "jurisdiction", "review"),
        "misc",
    ),
}
_STANDARD_TYPES = frozenset(
    ("article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual", "mastersthesis", "misc")
    + ("phdthesis", "proceedings", "techreport", "unpublished")
)
# biblatex's keys for the `type` of a thesis or report, which the styles would show as text.
_TYPE_KEYS = {"phdthesis": "", "techreport": "", "resreport": "Research report", "candthesis": "Candidate thesis"}
_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# TeX escapes in URLs and DOIs: Mendeley writes {\_} and $\sim$, JabRef \_ and \~{}.
_URL_ESCAPE = re.compile(r"\{?\\([_%&#$])\}?|\$\\sim\$|\\textasciitilde(?:\{\})?|\{\\~\}|\\~(?:\{\})?")


def _prepare(key: str, library: Library, problems: list[Problem]) -> Entry:
    """A copy of entry `key` in the shape pybtex's styles expect."""
    source = library.entries[key]
    entry = Entry(source.type, fields=source.fields, persons={r: list(p) for r, p in source.persons.items()})
    entry.key = key
    fields = entry.fields
    _inherit(entry, library, problems)
    # biblatex's names for BibTeX fields, as Zotero and JabRef write them in biblatex mode.
    for biblatex, bibtex in (("journaltitle", "journal"), ("location", "address")):
        if biblatex in fields and bibtex not in fields:
            fields[bibtex] = fields[biblatex]
    if "year" not in fields and re.match(r"\d{4}", fields.get("date", "")):
        fields["year"] = fields["date"][:4]
    for name in ("url", "doi", "eprint"):
        if name in fields:
            fields[name] = _unescape_url(fields[name])
    if "doi" in fields:  # written as https://doi.org/10..., http://dx.doi.org/10... or doi:10...
        fields["doi"] = _DOI_PREFIX.sub("", fields["doi"])

    kind = entry.type
    if kind in ("thesis", "bachelorthesis"):
        kind = _thesis(entry)
    elif kind not in _STANDARD_TYPES:
        if kind not in _TYPES:
            display, line = library.where(key)
            problems.append(
                Problem(display, line, f"entry '{key}' has the unknown type '{kind}'; shown as misc", key=key)
            )
        kind = _TYPES.get(kind, "misc")
    shown = _TYPE_KEYS.get(fields.get("type", "").lower())
    if shown:
        fields["type"] = shown
    elif shown == "":
        del fields["type"]
    if kind in ("phdthesis", "mastersthesis") and "school" not in fields and "institution" in fields:
        fields["school"] = fields["institution"]  # biblatex calls a thesis' school its institution
    if kind == "misc" and entry.type != "misc":  # say where it appeared, which misc shows as howpublished
        where = next(
            (fields[n] for n in ("publisher", "organization", "institution", "journal", "booktitle") if n in fields),
            None,
        )
        if where and "howpublished" not in fields:
            fields["howpublished"] = where
    if kind == "misc" and "version" in fields:
        fields["howpublished"] = ", ".join(filter(None, [fields.get("howpublished"), f"version {fields['version']}"]))
    entry.type = kind
    return entry


def _unescape_url(latex: str) -> str:
    return _URL_ESCAPE.sub(lambda match: match[1] or "~", latex)


def _thesis(entry: Entry) -> str:
    """@thesis (biblatex, Zotero) and @bachelorthesis as BibTeX's phdthesis or mastersthesis.

    The phdthesis template shows the `type` field in place of "PhD thesis", so a type that
    is text ("Bachelor's thesis", "Diplomarbeit") is kept; biblatex's keys are not (`_TYPE_KEYS`).
    """
    given = entry.fields.get("type", "").lower()
    if entry.type == "bachelorthesis":
        entry.fields.setdefault("type", "Bachelor's thesis")
    elif "master" in given or given in ("mathesis", "msc", "ma"):
        entry.fields.pop("type", None)
        return "mastersthesis"
    return "phdthesis"


def _inherit(entry: Entry, library: Library, problems: list[Problem]) -> None:
    """Copy the fields and names `entry` lacks from the entry its crossref names, as BibTeX does."""
    seen = {entry.key.lower()}
    target = entry.fields.get("crossref")
    while target:
        found = library.find(target)
        if found is None:
            display, line = library.where(entry.key)
            message = f"entry '{entry.key}' has crossref '{target}', which is not in {library.sources}"
            problems.append(Problem(display, line, message + "; nothing is inherited", key=entry.key))
            return
        if found.lower() in seen:  # a crossref loop
            return
        seen.add(found.lower())
        parent = library.entries[found]
        # biblatex's rule, which exports rely on: a proceedings' or book's title is the
        # booktitle of the paper or chapter inside it.
        inside = entry.type in ("inproceedings", "incollection", "inbook", "conference")
        if inside and "booktitle" not in entry.fields and "booktitle" not in parent.fields and "title" in parent.fields:
            entry.fields["booktitle"] = parent.fields["title"]
        for name, value in parent.fields.items():
            if name.lower() != "crossref" and name not in entry.fields:
                entry.fields[name] = value
        for role, people in parent.persons.items():
            if role not in entry.persons:
                entry.persons[role] = list(people)
        target = parent.fields.get("crossref")


# --------------------------------------------------------------------------- LaTeX in fields

_MARKUP = re.compile(
    r"\$|\\[{}]|\\(?:emph|textit|textsl|textbf|url|href|LaTeX|TeX|em|it|sl|bf|itshape|bfseries|mbox|hbox|text|textrm|"
    r"textsf|texttt|textsc|textup|textnormal|noop|textasciigrave|textquotesingle|textsubscript|textsuperscript)"
    r"(?![A-Za-z])"
)
# Commands whose argument is shown as it is (a box, a font family), and the empty \noop{}
# that reference managers use to sort ("{\noop{a}}Title"); a few symbols latexcodec lacks.
_PLAIN_ARGUMENT = frozenset(("mbox", "hbox", "text", "textrm", "textsf", "texttt", "textsc", "textup", "textnormal"))
_SYMBOLS = {"textasciigrave": "`", "textquotesingle": "'"}
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
_TAGS = {"emph": "em", "textit": "i", "textsl": "i", "textbf": "b", "textsubscript": "sub", "textsuperscript": "sup"}
_SWITCHES = {"em": "em", "it": "i", "sl": "i", "itshape": "i", "bf": "b", "bfseries": "b"}
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.?)", re.DOTALL)
_SPECIAL = re.compile(r"[\\${}]")


class _Kept(Protected):
    """Text that case changes leave alone, as a {braced group}, but with no span of its own."""

    def render(self, backend) -> str:
        return BaseMultipartText.render(self, backend)


class _Math(Protected):
    """``$...$``: MathML in HTML, the TeX source in plain text; case changes leave it alone."""

    def render(self, backend) -> str:
        tex = str(self)
        if isinstance(backend, HtmlBackend):
            try:
                return to_mathml(tex, False)
            except MathError:  # reported when the field was read (`_LaTeX.math`)
                pass
        return backend.format_str(tex)


def _rich(latex: str, notes: set[str] | None = None) -> Text:
    """A field's LaTeX as pybtex rich text, with markup and math rendered; never raises.

    TeX math that cannot be rendered is shown as its source and described in `notes`.
    """
    try:
        # pybtex's own reading decodes accents and keeps {braced} case; markup needs ours.
        text = Text(*_LaTeX(latex, notes).parse()) if _MARKUP.search(latex) else Text.from_latex(latex)
    except (PybtexSyntaxError, UnicodeDecodeError):  # unbalanced braces, a stray backslash: show it as written
        return Text(latex)
    if notes is not None and "\\" in latex:  # a command neither pybtex nor this reader knows shows as written
        notes.update(f"unknown LaTeX command {command}" for command in _UNKNOWN_COMMAND.findall(_outside_math(text)))
    return text


def _outside_math(text) -> str:
    """The characters of rich text outside its math, where a backslash is TeX left unread."""
    if isinstance(text, _Math):
        return ""
    if hasattr(text, "parts"):
        return "".join(_outside_math(part) for part in text.parts)
    return str(text)


class _LaTeX:
    """A reader for the markup and math found in .bib fields: ``\\emph{}``, ``\\textit{}``,
    ``\\textbf{}``, ``\\textsubscript{}``, ``\\textsuperscript{}``, ``{\\em ...}``, ``{\\it ...}``,
    ``\\url{}``, ``\\href{}{}``, ``\\LaTeX``, ``\\TeX`` and ``$...$``. The text between them is
    left to pybtex (`Text.from_latex`)."""

    def __init__(self, source: str, notes: set[str] | None) -> None:
        self.source = source
        self.pos = 0
        self.notes = notes

    def parse(self, in_group: bool = False) -> list:
        """The parts up to the end, or in a group up to its closing brace (not consumed)."""
        source, parts, plain = self.source, [], []

        def flush() -> None:
            if plain:
                latex = "".join(plain)
                # latexcodec drops leading white space, which here follows markup: keep one.
                parts.extend([" " if latex[0].isspace() else "", *Text.from_latex(latex).parts])
                plain.clear()

        while self.pos < len(source):
            char = source[self.pos]
            if char == "}" and in_group:
                break
            if char == "\\":
                command = _COMMAND.match(source, self.pos)[0]
                name = command[1:]
                self.pos += len(command)
                if name in _TAGS:
                    flush()
                    parts.append(Tag(_TAGS[name], _Kept(*self.argument())))
                elif name in _PLAIN_ARGUMENT:
                    flush()
                    parts.append(_Kept(*self.argument()))
                elif name == "noop":
                    self.raw_argument()  # a sort key only: shown as nothing
                elif name in _SYMBOLS:
                    flush()
                    if source.startswith("{}", self.pos):
                        self.pos += 2
                    parts.append(_Kept(_SYMBOLS[name]))
                elif name in ("url", "href"):
                    flush()
                    url = _unescape_url(self.raw_argument())
                    text = self.argument() if name == "href" else [String(url)]
                    parts.append(HRef(url, _Kept(*text)))  # only http(s) becomes a link (`_SafeHtmlBackend`)
                elif name in ("LaTeX", "TeX"):
                    flush()
                    if source.startswith("{}", self.pos):
                        self.pos += 2
                    parts.append(_Kept(name))
                elif name in _SWITCHES:  # {\em text}: the rest of the group
                    flush()
                    self.skip_spaces()
                    parts.append(Tag(_SWITCHES[name], _Kept(*self.parse(in_group))))
                elif name == "$":  # latexcodec leaves \$ as it is
                    plain.append(name)
                elif name in ("{", "}"):  # a brace shown as such; pybtex would open or close a group
                    flush()
                    parts.append(_Kept(name))
                else:  # left to pybtex, with an accent's argument: \'{e}
                    plain.append(command)
                    if source.startswith("{", self.pos):
                        plain.append(self.raw_group())
            elif char == "$":
                math = self.math()
                if math is None:
                    plain.append(char)
                    self.pos += 1
                else:
                    flush()
                    parts.append(math)
            elif char == "{":
                start = self.pos
                group = self.raw_group()
                if _MARKUP.search(group):
                    flush()
                    self.pos = start + 1
                    parts.append(Protected(*self.parse(in_group=True)))
                    self.pos += 1
                else:
                    plain.append(group)
            else:
                following = _SPECIAL.search(source, self.pos + 1)
                end = following.start() if following else len(source)
                plain.append(source[self.pos : end])
                self.pos = end
        flush()
        return parts

    def skip_spaces(self) -> None:
        while self.source.startswith(" ", self.pos):
            self.pos += 1

    def raw_group(self) -> str:
        """The braced group at the position, braces included, as written (\\{ and \\} are no braces)."""
        source, depth, start = self.source, 0, self.pos
        end = start
        while end < len(source):
            if source[end] == "\\":
                end += 2
                continue
            depth += {"{": 1, "}": -1}.get(source[end], 0)
            end += 1
            if depth == 0:
                break
        self.pos = min(end, len(source))
        return source[start : self.pos]

    def raw_argument(self) -> str:
        self.skip_spaces()
        return self.raw_group()[1:-1] if self.source.startswith("{", self.pos) else ""

    def argument(self) -> list:
        self.skip_spaces()
        if not self.source.startswith("{", self.pos):
            return []
        self.pos += 1
        parts = self.parse(in_group=True)
        self.pos += 1
        return parts

    def math(self) -> Protected | None:
        """``$tex$`` or ``$$tex$$`` at the position, or None when it is a lone dollar sign."""
        source, start = self.source, self.pos
        delimiter = "$$" if source.startswith("$$", start) else "$"
        end = source.find(delimiter, start + len(delimiter))
        if end <= start + len(delimiter):
            return None
        tex = source[start + len(delimiter) : end]
        self.pos = end + len(delimiter)
        try:
            to_mathml(tex, False)
        except MathError as error:
            if self.notes is not None:
                self.notes.add(str(error))
            return _Kept(source[start : self.pos])
        return _Math(tex)


# --------------------------------------------------------------------------- formatting


@node
def _field(children, context, name, apply_func=None, raw=False):
    """pybtex's `field`, with LaTeX markup and math rendered (`_rich`) instead of shown as text."""
    if children:
        raise ValueError(children)
    entry = context["entry"]
    try:
        value = entry.fields[name]
    except KeyError:
        raise FieldIsMissing(name, entry) from None
    if not raw:
        value = _rich(value, context["notes"])
    return apply_func(value) if apply_func else value


@node
def _names(children, context, role):
    """pybtex's `names`, ending a list that closes with "others" in "et al." as plain.bst does."""
    entry, style = context["entry"], context["style"]
    try:
        persons = entry.persons[role]
    except KeyError:
        raise FieldIsMissing(role, entry) from None
    others = bool(persons) and _is_others(persons[-1])

    def name(person: Person) -> Text:
        try:
            return style.format_name(person, style.abbreviate_names).format_data(context)
        except UnicodeDecodeError:  # a stray backslash latexcodec cannot read: the name as written
            return Text(str(person))

    named = [name(person) for person in persons[: -1 if others else None]]
    if not others:
        return join(sep=", ", sep2=" and ", last_sep=", and ")[named].format_data(context)
    return Text(join(sep=", ")[named].format_data(context), ", et al." if len(named) > 1 else " et al.")


def _is_others(person: Person) -> bool:
    return str(person) == "others"


def _with_markup(part):
    """A copy of template `part` whose fields are read by `_field`."""
    if not isinstance(part, Node):
        return part
    if part.f is optional_field.f:  # builds pybtex's own field when formatting
        return optional[_field(*part.args, **part.kwargs)]
    copy = Node(part.name, _field.f if part.f is pybtex_field.f else part.f)
    copy.args = [_with_markup(arg) for arg in part.args]
    copy.kwargs = {name: _with_markup(value) for name, value in part.kwargs.items()}
    copy.children = [_with_markup(child) for child in part.children]
    return copy


class _Style(unsrt.Style):
    """pybtex's unsrt templates with LaTeX markup rendered, "et al." for "and others", and
    entries formatted without the fields they lack (`format`)."""

    def format_names(self, role, as_sentence=True):
        names = _names(role)
        return sentence[names] if as_sentence else names

    def format_editor(self, e, as_sentence=True):
        # No "editor" word after an empty list of editors (see `format`).
        if not e.persons.get("editor"):
            return self.format_names("editor", as_sentence=False)
        return super().format_editor(e, as_sentence)

    def format(self, label: str, entry: Entry) -> tuple[FormattedEntry, list[str], set[str]]:
        """Format `entry`; returns it, the fields the style needs that it lacks, and notes
        on math that could not be rendered.

        pybtex's templates say a field is required by raising FieldIsMissing where no
        `optional[...]` encloses it, and only the template knows which fields those are
        (`first_of` makes some required only if another is absent). So the entry is
        formatted again with each field reported missing present but empty: join and
        sentence drop empty parts, so the entry keeps its own layout with no stray
        separator, where a fallback template (misc) would drop journal, booktitle, pages.
        """
        missing: list[str] = []
        notes: set[str] = set()
        while True:
            template = _with_markup(getattr(self, f"get_{entry.type}_template")(entry))
            try:
                text = template.format_data({"entry": entry, "style": self, "bib_data": None, "notes": notes})
            except FieldIsMissing as error:
                if error.field_name in missing:  # filled already: would loop
                    raise
                missing.append(error.field_name)
                entry = _emptied(entry, error.field_name)
                continue
            return FormattedEntry(entry.key, text, label), missing, notes


def _emptied(entry: Entry, name: str) -> Entry:
    """A copy of `entry` whose field or names `name` are present and empty."""
    copy = Entry(entry.type, fields=entry.fields, persons=entry.persons)
    copy.key = entry.key
    if name in _ROLES:
        copy.persons[name] = []
    else:
        copy.fields[name] = ""
    return copy


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


_HTML = _SafeHtmlBackend()
_TEXT = TextBackend()


@lru_cache(maxsize=8)
def _style(name: str) -> _Style:
    """One instance per style: they keep no state between bibliographies."""
    labels, sorting = _PYBTEX_STYLE[name]
    return _Style(label_style=labels, name_style=PlainNames, sorting_style=sorting)


def format_references(
    cited: Iterable[str], library: Library, *, style: str, author_year: bool
) -> tuple[dict[str, Reference], list[Problem]]:
    """Format the cited entries with pybtex; returns key -> Reference in list order, and problems.

    `cited` is in order of first citation; every key must be in `library`. Numbered styles
    label 1, 2, ...; ``alpha`` uses pybtex's labels; `author_year` labels "Molnar, 2020"
    and sorts by label. The problems are one per field an entry lacks and the style needs
    (the entry is shown without it), per crossref to no entry, per unknown type and per
    formula that cannot be rendered, each at the entry's line.
    """
    keys = list(dict.fromkeys(cited))
    problems: list[Problem] = []
    entries = {key: _prepare(key, library, problems) for key in keys}
    names = {key: _who(key, entries[key]) for key in keys}
    labels = _author_year_labels(keys, entries, names) if author_year else {}
    pybtex_style = _style(style)
    ordered = pybtex_style.sort(list(entries.values()))
    refs = {}
    for label, entry in zip(pybtex_style.format_labels(ordered), ordered, strict=True):
        formatted, missing, notes = pybtex_style.format(label, entry)
        display, line = library.where(entry.key)
        for name in missing:
            if name == "editor" and not entry.persons.get("author"):
                name = "author' or 'editor"
            message = f"entry '{entry.key}' has no '{name}' field, which style '{style}' needs; shown without it"
            problems.append(Problem(display, line, message, key=entry.key))
        problems.extend(
            Problem(display, line, f"entry '{entry.key}': {note}; shown as TeX", key=entry.key)
            for note in sorted(notes)
        )
        refs[entry.key] = Reference(
            key=entry.key,
            label=labels.get(entry.key, formatted.label),
            html=formatted.text.render(_HTML).replace("\n", " "),
            text=formatted.text.render(_TEXT),
            names=names[entry.key],
            year=_plain(entry.fields.get("year", "n.d.")),
            scholar=_scholar(entry),
        )
    if author_year:
        refs = dict(sorted(refs.items(), key=lambda item: (item[1].label.casefold(), item[0])))
    return refs, problems


def _who(key: str, entry: Entry) -> str:
    """The authors as an in-text citation names them: "Molnar", "Rudin and Doe", "Smith et al."."""
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    others = bool(people) and _is_others(people[-1])
    names = [_last_name(person) for person in people[: -1 if others else None]]
    if not names:
        return _plain(entry.fields.get("organization", entry.fields.get("title", key)))
    if len(names) > 2 or others:
        return f"{names[0]} et al."
    return " and ".join(names)


def _scholar(entry: Entry) -> tuple[tuple[str, str], ...]:
    """What Google Scholar reads of a cited entry, as (citation_ field, value) pairs."""
    pairs = [("title", _plain(entry.fields.get("title", "")))]
    for person in entry.persons.get("author", []):
        if not _is_others(person):
            first = " ".join(part.render(_TEXT) for part in person.rich_first_names + person.rich_middle_names)
            pairs.append(("author", f"{_last_name(person)}, {first}".rstrip(", ")))
    pairs.append(("publication_date", _plain(entry.fields.get("year", ""))))
    venue = entry.fields.get("journal") or entry.fields.get("booktitle") or ""
    pairs.append(("journal_title" if "journal" in entry.fields else "conference_title", _plain(venue)))
    pairs += [("volume", _plain(entry.fields.get("volume", ""))), ("issue", _plain(entry.fields.get("number", "")))]
    first, _, last = _plain(entry.fields.get("pages", "")).replace("–", "-").partition("-")
    pairs += [("firstpage", first.strip()), ("lastpage", last.strip("- ")), ("doi", entry.fields.get("doi", ""))]
    return tuple((name, value) for name, value in pairs if value)


def _author_year_labels(keys: list[str], entries: dict[str, Entry], names: dict[str, str]) -> dict[str, str]:
    """Labels "Molnar, 2020", "Rudin and Doe, 2019", "Smith et al., 2019"; two entries with
    one label get 2019a, 2019b in order of citation, and so does the year their entries show."""
    base = {key: f"{names[key]}, {_plain(entries[key].fields.get('year', 'n.d.'))}" for key in keys}
    labels = {}
    for key in keys:
        twins = [k for k in keys if base[k] == base[key]]
        suffix = chr(ord("a") + twins.index(key)) if len(twins) > 1 else ""
        labels[key] = base[key] + suffix
        if suffix and "year" in entries[key].fields:  # a prepared copy: the .bib entry stays as it is
            entries[key].fields["year"] += suffix
    return labels


def _last_name(person: Person) -> str:
    try:
        return " ".join(part.render(_TEXT) for part in person.rich_prelast_names + person.rich_last_names)
    except UnicodeDecodeError:  # a stray backslash latexcodec cannot read
        return " ".join(person.prelast_names + person.last_names)


def _plain(latex: str) -> str:
    return _rich(latex).render(_TEXT)
