"""What pymdownx.snippets includes in a page, found by its own code, before it runs.

``--8<-- "figures/forest.py:train"`` includes a section of a file. When the file or the
section is missing, pymdownx.snippets (with ``check_paths``) raises ``SnippetMissingError``
from inside the Markdown conversion: MkDocs prints a Python traceback that names neither
the page's line nor the sections the file has; without ``check_paths`` the snippet is
silently empty. `Includes.check` reads the page's snippet lines (the single-line form;
``;--8<--`` escapes) and names the first such line with its line number.

`Includes` also tells which files a page's snippets include, so that a conversion kept
between builds is kept by their bytes (`explaining_machines.pages.conversions`). Both must
be exactly what the extension does, so both ask the extension's own preprocessor to parse
each line (line ranges, sections), to resolve its path against the base paths
(``restrict_base_path`` included) and to read the file in the configured encoding.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from explaining_machines.errors import LocatedError, did_you_mean

# A section's start marker, as pymdownx.snippets finds it (``--8<-- [start:name]``).
_SECTION = re.compile(r"(?i)-{1,}8<-{1,}[ \t]+\[[ \t]*start[ \t]*:[ \t]*([a-z][-_0-9a-z]*)[ \t]*\]")


class SnippetError(LocatedError):
    """A snippet whose file or section does not exist."""


class Includes:
    """What pymdownx.snippets would include in a page, found by its own code.

    A page's conversion may be kept between builds only by the bytes of the files it
    includes, so this must find exactly the files the extension reads: it asks the
    extension's own preprocessor (set up with the site's settings) to parse each snippet
    line, to resolve its path against the base paths (``restrict_base_path`` included) and
    to read the file in the configured encoding.
    """

    def __init__(self, settings: Mapping[str, Any]) -> None:
        """`settings`: the extension's settings, as in ``markdown_extensions``."""
        from pymdownx.snippets import SnippetExtension, SnippetPreprocessor

        config = SnippetExtension(**settings).getConfigs()
        self._reader = SnippetPreprocessor(config, SimpleNamespace(tab_length=4))
        self.appended: tuple[str, ...] = tuple(config.get("auto_append") or ())
        base = config.get("base_path") or ["."]
        self._shown = ", ".join(map(str, [base] if isinstance(base, (str, Path)) else base))

    def _resolve(self, written: str) -> tuple[dict | None, str | None]:
        """A snippet's target as the extension parses `written` (None for none, or a URL) and
        the file it reads for it (None when it finds none, or not a file)."""
        target = self._reader.parse_snippet_target(written)
        if target is None or target["path"].lower().startswith(("https://", "http://")):
            return None, None
        file = self._reader.get_snippet_path(target["path"])
        return target, file if file is not None and os.path.isfile(file) else None

    def check(self, markdown: str, first_line: int) -> None:
        """Raise `SnippetError` (with the page's line) for the first snippet line whose file the
        extension would not find, or whose section the file does not have."""
        reader = self._reader
        reader.bases = None
        for number, line in enumerate(markdown.split("\n"), start=first_line):
            found = reader.RE_ALL_SNIPPETS.match(line)
            if found is None or found["escape"] or not found["inline_marker"]:
                continue
            written = found["snippet"][1:-1].strip()
            if reader.check_paths and reader.parse_snippet_target(written) is None:  # '--8<-- " "', '":3"'
                raise SnippetError(number, f"snippet line {line.strip()!r} names no file")
            target, file = self._resolve(written)
            if target is None:
                continue
            if file is None:
                raise SnippetError(number, f"snippet file '{target['path']}' is not in the snippets' base paths "
                                           f"({self._shown})")  # fmt: skip
            section = target["section"]
            if section is not None:
                sections = _SECTION.findall(Path(file).read_text(encoding="utf-8", errors="replace"))
                if section not in sections:
                    hint = did_you_mean(section, sections)
                    raise SnippetError(number, f"snippet '{written}': {target['path']} has no section '{section}'"
                                               f"{hint} (sections: {', '.join(sections) or 'none'})")  # fmt: skip

    def __call__(self, markdown: str) -> list[Path] | None:
        """The files `markdown`'s snippets and the ``auto_append`` ones include; None when what
        they include cannot be told from here: the block form in the page, a URL, a file that
        is missing, not a file, unreadable, or that includes snippets itself (in either form)."""
        reader, files = self._reader, []
        reader.bases = None  # the base paths that exist, found again as the extension does on each run
        paths = list(self.appended)
        if "8<-" in markdown:
            for line in markdown.split("\n"):  # Python-Markdown's lines
                found = reader.RE_ALL_SNIPPETS.match(line)
                if found is None or found["escape"]:
                    continue
                if found["block_marker"]:
                    return None
                paths.append(found["snippet"][1:-1].strip())
        for path in paths:
            target, file = self._resolve(path)
            if file is None:
                return None
            try:
                lines = reader.read_lines(file)
            except (OSError, UnicodeError):
                return None
            if any(map(reader.RE_ALL_SNIPPETS.match, lines)):
                return None  # a nested snippet: not followed here
            files.append(Path(file))
        return files
