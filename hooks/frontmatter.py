"""Front matter of a Markdown file: where the body starts, and YAML errors with their line.

MkDocs silently ignores front matter that is not valid YAML and shows it as text;
`check` turns that into an error naming the line. Imports nothing from MkDocs.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# The same delimiters MkDocs uses (mkdocs.utils.meta.YAML_RE).
_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


class FrontMatterError(ValueError):
    """Front matter that cannot be read; `line` is the 1-based line in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def body_first_line(raw: str) -> int:
    """The file line on which the Markdown body starts (after front matter and blank lines)."""
    match = _YAML.match(raw)
    if not match:
        return 1
    rest = raw[match.end() :]
    skipped = len(rest) - len(rest.lstrip("\n"))
    return raw.count("\n", 0, match.end()) + skipped + 1


def key_line(raw: str, key: str) -> int | None:
    """The line of a top-level front-matter key, for messages about its value."""
    match = _YAML.match(raw)
    if not match:
        return None
    found = re.search(rf"^{re.escape(key)}[ \t]*:", match.group(1), re.MULTILINE)
    return None if found is None else match.group(1).count("\n", 0, found.start()) + 2


def check(raw: str) -> dict[str, Any]:
    """Parse the front matter; raises `FrontMatterError` where MkDocs would ignore it."""
    match = _YAML.match(raw)
    if not match:
        if raw.startswith("---") and raw.split("\n", 1)[0].strip() == "---":
            raise FrontMatterError(1, "front matter is not closed: expected a line '---'")
        return {}
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(line, f"invalid YAML in front matter: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontMatterError(2, "front matter must be a mapping of keys to values")
    return data
