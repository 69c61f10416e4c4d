"""Files another tool caches, trusted by a later build only if they are what that build left.

mkdocs-jupyter keeps the HTML of each converted notebook in ``.cache/mkdocs-jupyter/``
and reads it back on the next build without any check: a truncated or foreign file there
crashes the build with a traceback, or puts wrong content on the page. `remember` records
the SHA-256 of every file in such a folder after a build; `verify` removes, before the
next build, every file that is not exactly as recorded, so that the tool renders it again.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import json
from pathlib import Path

from explaining_machines.files import sha256_file, write_json_atomic


def verify(folder: Path, record: Path, pattern: str = "*.json") -> list[tuple[Path, str]]:
    """Remove the files of `folder` that `record` does not vouch for; returns each with the reason."""
    if not folder.is_dir():
        return []
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    removed = []
    for path in sorted(folder.glob(pattern)):
        expected = known.get(path.name)
        if expected is None:
            reason = "not recorded by the last build"
        elif sha256_file(path) != expected:
            reason = "changed since the last build (damaged or foreign)"
        else:
            continue
        path.unlink(missing_ok=True)
        removed.append((path, reason))
    return removed


def remember(folder: Path, record: Path, pattern: str = "*.json") -> None:
    """Record the SHA-256 of every file of `folder` in `record` (written atomically)."""
    hashes = {path.name: sha256_file(path) for path in sorted(folder.glob(pattern))} if folder.is_dir() else {}
    write_json_atomic(record, hashes, indent=1)
