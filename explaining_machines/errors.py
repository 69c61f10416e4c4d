"""Errors that name where: the one located error type, its one converter, one did-you-mean.

A pure module that finds a problem at a line of what it reads raises a `LocatedError`
(or a subclass named for its concern: `CitationError`, `TagError`, ...), which carries the
line and the message but not the file: the module reads text, not files. The caller,
which knows the file, turns it into a `SourceError` with `located`, so that every message
an author sees has one form, ``path:line: message``. `SourceError` is what the build
cannot go on with; a hook turns it into its engine's build error.

This module is part of the package's foundation (with `settings`, `arguments` and
`files`): it imports nothing of the project, so that `figures` may use it too.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable


class LocatedError(ValueError):
    """A problem at a line of the text a module read; `str` is the message alone."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message

    def at(self, where: str) -> str:
        """``where:line: message``, or ``where: message`` when no line applies."""
        return f"{where}:{self.line}: {self.message}" if self.line is not None else f"{where}: {self.message}"


class SourceError(Exception):
    """A problem in a file authors wrote that the build cannot go on with; `str` is
    ``path:line: message`` (or ``path: message`` when no line applies). A hook turns it
    into its engine's build error."""


def located(where: str, error: LocatedError) -> SourceError:
    """The `SourceError` an author sees for `error`, found in the file shown as `where`."""
    return SourceError(error.at(where))


# Close enough to be a typo: difflib's ratio at least LIKELY, or at least POSSIBLE for a name
# that starts as the known one does (a key cut short or a year mistyped: "molnar2021" for
# "molnar2020interpretable"). One rule for every name the build suggests.
LIKELY, POSSIBLE = 0.75, 0.5


def close_matches(name: str, known: Iterable[str], n: int = 1) -> list[str]:
    """The known names that `name` is most likely a typo of, best first (none when nothing is close)."""
    scored = []
    for candidate in dict.fromkeys(known):
        ratio = difflib.SequenceMatcher(None, name, candidate).ratio()
        prefix = len(os.path.commonprefix([name, candidate]))
        if ratio >= LIKELY or (ratio >= POSSIBLE and prefix >= max(3, len(name) // 2)):
            scored.append((-ratio, candidate))
    return [candidate for _, candidate in sorted(scored)[:n]]


def did_you_mean(name: str, known: Iterable[str], n: int = 1) -> str:
    """``"; did you mean 'x'?"`` (``'x' or 'y'`` for several), or ``""`` when nothing is close."""
    close = close_matches(name, known, n)
    return f"; did you mean {' or '.join(repr(k) for k in close)}?" if close else ""
