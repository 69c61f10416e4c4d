"""Reading .bib files as BibTeX does: every entry that can be read, and a `Problem` for the rest.

pybtex's low-level BibTeX scanner reads each file and this module builds the entries, so
that one broken entry hides no other. As BibTeX does, a syntax error skips that entry, and
a duplicate key or field keeps the first; each is a `Problem` with its line (and column).
Only a file that cannot be read at all raises `BibliographyError`. A file is parsed once
and again only when its bytes change, which keeps `mkdocs serve` fast. `Library` is the
merged view of the files one page reads.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.bibtex.utils import split_name_list
from pybtex.database import Entry, Person
from pybtex.database.input.bibtex import LowLevelParser, SkipEntry, month_names
from pybtex.scanner import PybtexSyntaxError
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from explaining_machines.source.mdscan import LineIndex

ROLES = frozenset(Person.valid_roles)  # fields that hold names: author, editor
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
            if name_lower not in ROLES:
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
