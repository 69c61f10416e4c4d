"""Snippets that pymdownx.snippets would fail on, found before it runs, with their line.

``--8<-- "figures/forest.py:train"`` includes a section of a file. When the file or the
section is missing, pymdownx.snippets (10.x, with ``check_paths``) raises
``SnippetMissingError`` from inside the Markdown conversion: MkDocs prints a Python
traceback that names neither the page's line nor the sections the file has; without
``check_paths`` the snippet is silently empty. This reads the page's snippet lines as the
extension does (the single-line form; ``;--8<--`` escapes) and checks each against the
same base paths. Imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from explaining_machines.errors import LocatedError, did_you_mean

# pymdownx.snippets' own patterns (RE_ALL_SNIPPETS, RE_SNIPPET_FILE, RE_SNIPPET_SECTION).
_LINE = re.compile(
    r"""^[ \t]*(?P<escape>;*)-{1,}8<-{1,}[ \t]+(?P<quote>["'])(?P<target>(?:\\.|(?!(?P=quote)).)+)(?P=quote)[ \t]*$"""
)
_TARGET = re.compile(r"(?i)^(?P<path>.*?)(?::[0-9]*(?::[0-9]*)?|:(?P<section>[a-z][-_0-9a-z]*))?$")
_SECTION = re.compile(r"(?i)-{1,}8<-{1,}[ \t]+\[[ \t]*start[ \t]*:[ \t]*([a-z][-_0-9a-z]*)[ \t]*\]")


class SnippetError(LocatedError):
    """A snippet whose file or section does not exist."""


def _file(path: str, base_paths: Sequence[str | Path]) -> Path | None:
    """The file a snippet's `path` names: in the first of `base_paths` that holds it."""
    return next((Path(base) / path for base in base_paths if (Path(base) / path).is_file()), None)


def check(markdown: str, first_line: int, base_paths: Sequence[str | Path]) -> None:
    """Raise `SnippetError` (with the page's line) for the first snippet line whose file is in
    none of `base_paths` or has no such section."""
    for number, text in enumerate(markdown.splitlines(), start=first_line):
        found = _LINE.match(text)
        if found is None or found["escape"] or "://" in found["target"]:
            continue
        target = _TARGET.match(found["target"])
        path, section = target["path"], target["section"]
        file = _file(path, base_paths)
        if file is None:
            shown = ", ".join(str(base) for base in base_paths)
            raise SnippetError(number, f"snippet file '{path}' is not in the snippets' base paths ({shown})")
        if section is not None:
            sections = _SECTION.findall(file.read_text(encoding="utf-8", errors="replace"))
            if section not in sections:
                hint = did_you_mean(section, sections)
                raise SnippetError(number, f"snippet '{found['target']}': {path} has no section '{section}'{hint} "
                                           f"(sections: {', '.join(sections) or 'none'})")  # fmt: skip


_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*\r?$", re.MULTILINE)  # the block form: files listed between two markers
# Any snippet line, escaped or not, of either form (a section marker, ``--8<-- [start:x]``, is not one).
_ANY = re.compile(r"""^[ \t]*;*-{1,}8<-{1,}(?:[ \t]+["']|[ \t]*\r?$)""", re.MULTILINE)


def included(markdown: str, base_paths: Sequence[str | Path]) -> list[Path] | None:
    """The files `markdown`'s snippet lines include, as pymdownx.snippets finds them; None
    when what it includes cannot be told from here: the block form, a URL, a file that is
    missing or that includes snippets itself (in either form)."""
    if _BLOCK.search(markdown):
        return None
    files = []
    for text in markdown.splitlines():
        found = _LINE.match(text)
        if found is None or found["escape"]:
            continue
        if "://" in found["target"]:
            return None
        path = _TARGET.match(found["target"])["path"]
        file = _file(path, base_paths)
        if file is None or _ANY.search(file.read_text(encoding="utf-8", errors="replace")):
            return None  # a nested snippet, in either form: not followed here
        files.append(file)
    return files
