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
FORMAT = 2  # 2: facts derived from a file's content (`Digests.derive`) beside the digests
RACY = 2_000_000_000  # ns: coarser than any file system's timestamps that a cache folder sits on (FAT's are 2 s)


class Digests:
    """SHA-256 of files, remembered in `memo` between builds (None: nothing remembered)."""

    def __init__(self, memo: Path | None) -> None:
        self.memo = memo
        self._table: dict[str, list] | None = None  # path -> [size, mtime_ns, inode, ctime_ns, sha256]
        self._learned: dict[str, list] = {}
        self._derived: dict[str, list] | None = None  # "what:path" -> [sha256, value]
        self._derived_learned: dict[str, list] = {}
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

    def derive(self, path: Path, what: str, compute):
        """`compute()`, a JSON-able fact about the file at `path` (its syntax tree's digest, say),
        remembered while the file's SHA-256 is the same."""
        name = f"{what}:{os.path.abspath(path)}"
        digest = self.sha256(path)
        known = self._derived_learned.get(name) or self._read_derived().get(name)
        if known is not None and known[0] == digest:
            return known[1]
        value = compute()
        self._derived_learned[name] = [digest, value]
        return value

    def save(self) -> None:
        """Merge what this process learned into the memo file, dropping files that no longer exist."""
        if self.memo is None or not (self._learned or self._derived_learned):
            return
        self._table = self._derived = None  # another process may have written it since we read it
        table = {**self._read(), **self._learned}
        table = {name: facts for name, facts in table.items() if os.path.exists(name)}
        derived = {**self._read_derived(), **self._derived_learned}
        derived = {name: facts for name, facts in derived.items() if os.path.exists(name.partition(":")[2])}
        data = {"format": FORMAT, "files": table, "derived": derived, "sha256": _checksum([table, derived])}
        write_json_atomic(self.memo, data, indent=None)
        self._table, self._learned, self._derived, self._derived_learned = table, {}, derived, {}

    def _read(self) -> dict[str, list]:
        if self._table is None:
            self._table, self._derived = _load(self.memo) if self.memo is not None else ({}, {})
        return self._table

    def _read_derived(self) -> dict[str, list]:
        self._read()
        return self._derived


def _facts(stat: os.stat_result) -> list[int]:
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]


def _checksum(table) -> str:
    return hashlib.sha256(json.dumps(table, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _load(memo: Path) -> tuple[dict[str, list], dict[str, list]]:
    """The memo's tables (file facts, derived facts) if the file is whole and its own checksum agrees; else nothing."""
    try:
        found = json.loads(memo.read_text(encoding="utf-8"))
        table, derived = found["files"], found.get("derived", {})
        if found.get("format") != FORMAT or found.get("sha256") != _checksum([table, derived]):
            return {}, {}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}, {}
    good = isinstance(table, dict) and all(
        isinstance(facts, list) and len(facts) == 5 and all(isinstance(n, int) for n in facts[:4])
        for facts in table.values()
    )
    good = (
        good
        and isinstance(derived, dict)
        and all(isinstance(facts, list) and len(facts) == 2 and isinstance(facts[0], str) for facts in derived.values())
    )
    return (table, derived) if good else ({}, {})
