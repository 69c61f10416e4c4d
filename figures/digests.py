"""File digests remembered between builds: a file is read and hashed again only when the file system says it changed.

Every SHA-256 the figures take of an existing file goes through `Digests.sha256`: the
data files a key covers (`figures.keys.hash_files`) and every file of every cache entry
a build verifies (`figures.cache.Cache.lookup`). A digest is remembered by the file's
absolute path, with what ``os.stat`` says of the file: its size, ``mtime_ns``, inode and
``ctime_ns``; when any of them differs, the file is hashed again. The inode changes when
a file is replaced (a restored cache, a checkout), ``ctime_ns`` with every write and
every change of ``mtime`` (a program can set ``mtime`` back, never ``ctime``).

A file changed less than `RACY` before it was hashed is not remembered: a second write
within the file system's timestamp granularity could leave all four unchanged (git's
"racily clean" index entries are the same problem). A freshly written entry is hashed
once more by the next build, and remembered then.

The memo is one JSON file in the cache folder (`MEMO`), written by a rename and holding
the SHA-256 of its own table: a truncated, edited or foreign memo fails that check and
is ignored whole (every file is hashed, as without a memo), never trusted in part.
Several processes may write it (the build and its workers): each merges what it learned
into what is there, and a lost update only means one more hashing.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

from explaining_machines.files import sha256_file, write_json_atomic

MEMO = "digests.json"
FORMAT = 1
RACY = 2_000_000_000  # ns: coarser than any file system's timestamps that a cache folder sits on (FAT's are 2 s)


class Digests:
    """SHA-256 of files, remembered in `memo` between builds (None: nothing remembered)."""

    def __init__(self, memo: Path | None) -> None:
        self.memo = memo
        self._table: dict[str, list] | None = None  # path -> [size, mtime_ns, inode, ctime_ns, sha256]
        self._learned: dict[str, list] = {}
        self.hashed = 0  # files read and hashed by this object, for tests and the bench

    def sha256(self, path: Path) -> str:
        """The SHA-256 of the file at `path`: remembered if the file is as it was, else read and hashed."""
        name = os.path.abspath(path)
        facts = _facts(os.stat(name))
        known = self._learned.get(name) or self._read().get(name)
        if known is not None and known[:4] == facts:
            return known[4]
        started = time.time_ns()
        digest = sha256_file(Path(name))
        self.hashed += 1
        after = _facts(os.stat(name))
        if after == facts and started - max(facts[1], facts[3]) > RACY:
            self._learned[name] = [*facts, digest]
        return digest

    def save(self) -> None:
        """Merge what this process learned into the memo file, dropping files that no longer exist."""
        if self.memo is None or not self._learned:
            return
        self._table = None  # another process may have written it since we read it
        table = {**self._read(), **self._learned}
        table = {name: facts for name, facts in table.items() if os.path.exists(name)}
        write_json_atomic(self.memo, {"format": FORMAT, "files": table, "sha256": _checksum(table)}, indent=None)
        self._table, self._learned = table, {}

    def _read(self) -> dict[str, list]:
        if self._table is None:
            self._table = _load(self.memo) if self.memo is not None else {}
        return self._table


def _facts(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]


def _checksum(table: dict[str, list]) -> str:
    return hashlib.sha256(json.dumps(table, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _load(memo: Path) -> dict[str, list]:
    """The memo's table if the file is whole and its own checksum agrees; else nothing."""
    try:
        found = json.loads(memo.read_text(encoding="utf-8"))
        table = found["files"]
        if found.get("format") != FORMAT or found.get("sha256") != _checksum(table):
            return {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}
    good = isinstance(table, dict) and all(
        isinstance(facts, list) and len(facts) == 5 and all(isinstance(n, int) for n in facts[:4])
        for facts in table.values()
    )
    return table if good else {}
