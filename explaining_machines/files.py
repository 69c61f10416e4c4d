"""Files written whole or not at all, their digests, the versions installed: one way for each.

A reader of the cache, of a memo or of a record must see either the old file or the new
one, never half of one: every write goes to a temporary name in the same folder and is
renamed into place (`os.replace` is atomic on one file system). Part of the package's
foundation: it imports nothing of the project, so that `figures` may use it too.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from pathlib import Path
from typing import Any


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` by a rename, creating the folder; a reader sees all of it or the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_json_atomic(path: Path, data: Any, *, indent: int | None = 2) -> None:
    """`data` as JSON (sorted keys, a final newline), written by `write_bytes_atomic`."""
    text = json.dumps(data, indent=indent, sort_keys=True, ensure_ascii=False)
    write_bytes_atomic(path, (text + "\n").encode("utf-8"))


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks (a model file need not fit twice in memory)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


_VERSION = re.compile(r"^Version:[ \t]*(.*?)[ \t]*$", re.MULTILINE)


def installed_version(name: str) -> str:
    """The version of the installed distribution `name`, as `importlib.metadata.version` gives
    it (raising its `PackageNotFoundError` alike): the same search for the distribution, but
    the version read from the metadata file's header by a pattern rather than by the email
    parser, which costs a build ten times as much for the score of libraries its keys name."""
    found = importlib.metadata.distribution(name)
    text = found.read_text("METADATA") or found.read_text("PKG-INFO") or ""
    version = _VERSION.search(text.split("\n\n", 1)[0])
    return version[1] if version else found.version
