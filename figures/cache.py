"""A content-addressed cache of computed entries (data, model, explanations, figures).

An entry is a folder ``<cache>/<kind>/<key>/`` holding the step's files and a
``record.json``: what the entry is, when and how fast it was computed, why, and the
SHA-256 of every file. The folder is written under a temporary name and renamed into
place, so a reader sees a whole entry or none; a build killed mid-write leaves only
a temporary folder that nothing trusts and that a later computation of the same
kind sweeps away once it is an hour old. Reading an entry checks every file against
the record; a mismatch (corruption, truncation, a foreign file) is reported and the
entry is recomputed.

`Cache.obtain` is the one protocol every step goes through: look up, lock, look
again (another build may have finished it meanwhile), ask the remote cache if there is
one (`figures.remote`: downloaded into a temporary folder, verified, then published by
the same rename as a computed entry), report damage, compute, store, and upload when
this build may write to the remote. `Cache.fetch` is the same protocol up to the remote,
for a step whose key is known but whose inputs need no computing (the build asks the
remote level by level, before it starts any worker).
One lock per key (a file lock, released by the OS if the process dies) lets two
builds share a cache: the second waits, then finds the entry ready. No pickle
anywhere: records are JSON, arrays ``.npz`` written by `save_arrays` and read by
`Entry.arrays` with ``allow_pickle=False``.

An entry's `Entry.output_digest` (its files' recorded digests and its meta) is what
the keys of the steps that read it chain on (`figures.entries`), so that an entry
recomputed with the same result changes no key downstream (early cutoff). Verifying an
entry hashes its files through `figures.digests`, which remembers digests between
builds by what the file system says of each file; `write_manifest` saves that memo.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from filelock import FileLock

from explaining_machines.files import sha256_file, write_json_atomic
from figures.digests import MEMO, Digests
from figures.errors import FigureError

if TYPE_CHECKING:
    import numpy as np

RECORD = "record.json"
MANIFEST = "manifest.json"
FORMAT = 1
MISSING = "not in the cache"  # the reason `Cache.lookup` gives when there is no entry at all
STALE_TEMPORARY = 3600  # seconds after which a temporary folder can only be a killed build's


class CacheError(FigureError):
    """The cache folder cannot be used (for example, it is not writable)."""


class RemoteStore(Protocol):
    """What the cache asks of a remote cache (`figures.remote.Remote`)."""

    write: bool

    def may_hold(self, kind: str, key: str) -> bool: ...

    def download(self, step: str, kind: str, key: str, folder: Path, log: logging.Logger) -> dict | None: ...

    def upload(self, entry: Entry, log: logging.Logger) -> str: ...


@dataclass(frozen=True)
class Entry:
    """A complete, verified cache entry."""

    step: str
    key: str
    path: Path
    record: dict[str, Any]

    def file(self, name: str) -> Path:
        return self.path / name

    @property
    def meta(self) -> dict[str, Any]:
        """What the step reported about its result (accuracy, alt text, ...)."""
        return self.record.get("meta", {})

    def digest(self, name: str) -> str:
        """The recorded SHA-256 of one of the entry's files (verified when the entry was looked up)."""
        return self.record["files"][name]["sha256"]

    @property
    def output_digest(self) -> str:
        """The SHA-256 of what the entry holds: its files' recorded digests and its meta.

        A meta value named ``*_seconds`` measures the run (the model's training time),
        not its result: two runs that make the same files differ in it, so it is left out.
        """
        files = {name: about["sha256"] for name, about in self.record["files"].items()}
        meta = {name: value for name, value in self.meta.items() if not name.endswith("_seconds")}
        blob = json.dumps({"files": files, "meta": meta}, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """The arrays of one of the entry's ``.npz`` files, never unpickling anything."""
        import numpy as np  # not at import time: a warm build reads no arrays

        with np.load(self.file(name), allow_pickle=False) as npz:
            return {key: npz[key] for key in npz.files}


def save_arrays(path: Path, **arrays: Any) -> None:
    """Write arrays as a compressed ``.npz`` (read back with `Entry.arrays`)."""
    import numpy as np

    np.savez_compressed(path, **arrays)


class Cache:
    """The cache folder; see the module docstring for its layout."""

    def __init__(self, root: Path, remote: RemoteStore | None = None) -> None:
        self.root = root
        self.digests = Digests(root / MEMO)
        self.remote = remote

    def entry_dir(self, kind: str, key: str) -> Path:
        return self.root / kind.replace(":", "-") / key

    def obtain(
        self,
        step: str,
        kind: str,
        key: str,
        compute: Callable[[Path], dict[str, Any]],
        describe: dict[str, Any],
        reason: str,
        log: logging.Logger,
    ) -> Entry:
        """The entry of `key`: from the cache if it is whole, else computed by `compute(folder)`.

        `step` names the entry in the log, `kind` is its folder, `reason` says why it
        was missing (logged when it is computed). Entries are computed under their
        key's lock, so two builds sharing the cache compute each entry once.
        """
        entry, _ = self.lookup(step, kind, key)
        if entry is not None:
            return entry
        with self.lock(kind, key):
            entry, why = self.lookup(step, kind, key)  # another build may have made it meanwhile
            if entry is not None:
                log.info("%s: cached (%s), computed by a concurrent build", step, key[:12])
                return entry
            entry = self._pull(step, kind, key, log)
            if entry is not None:
                return entry
            if self.entry_dir(kind, key).is_dir():  # there, but it failed its checks
                # Info, not a warning: the output will be right, and a deploy built with --strict
                # after restoring a truncated cache must not fail for it.
                log.info("%s: cached entry unusable, recomputing: %s", step, why)
            else:
                log.info("%s: computing (%s)", step, reason)
            self.sweep_temporaries(kind)
            entry = self.store(step, kind, key, compute, {**describe, "reason": reason})
            log.info("%s: computed in %.1f s", step, entry.record["seconds"])
            if self.remote is not None and self.remote.write:
                self.remote.upload(entry, log)
            return entry

    def fetch(self, step: str, kind: str, key: str, log: logging.Logger) -> Entry | None:
        """The entry of `key` from the remote cache, verified and published here; None if it is not to be had."""
        if self.remote is None or not self.remote.may_hold(kind, key):
            return None
        with self.lock(kind, key):
            entry, _ = self.lookup(step, kind, key)  # another build may have fetched it meanwhile
            return entry if entry is not None else self._pull(step, kind, key, log)

    def _pull(self, step: str, kind: str, key: str, log: logging.Logger) -> Entry | None:
        """Download, verify and publish a remote entry; call it holding the key's lock."""
        if self.remote is None or not self.remote.may_hold(kind, key):
            return None
        if self._publish(kind, key, lambda tmp: self.remote.download(step, kind, key, tmp, log)) is None:
            return None
        entry, why = self.lookup(step, kind, key)  # hashed once more, as every entry a build reads
        if entry is None:
            log.warning("%s: the entry fetched from the remote cache is unusable: %s", step, why)
        return entry

    def lookup(self, step: str, kind: str, key: str) -> tuple[Entry | None, str]:
        """The verified entry, or None and the reason it cannot be used."""
        path = self.entry_dir(kind, key)
        if not path.is_dir():
            return None, MISSING
        try:
            record = json.loads((path / RECORD).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, "its record.json is missing"
        except (OSError, ValueError) as error:
            return None, f"its record.json is unreadable ({error.__class__.__name__})"
        if not isinstance(record, dict) or record.get("format") != FORMAT or record.get("key") != key:
            return None, "its record.json belongs to another entry or format"
        files = record.get("files")
        if not isinstance(files, dict) or not files:
            return None, "its record.json lists no files"
        for name, expected in files.items():
            file = path / name
            if not file.is_file():
                return None, f"{name} is missing"
            if file.stat().st_size != expected.get("size") or self.digests.sha256(file) != expected.get("sha256"):
                return None, f"{name} does not match its recorded checksum (corrupt or truncated)"
        return Entry(step, key, path, record), ""

    def lock(self, kind: str, key: str) -> FileLock:
        locks = self.root / ".locks"
        self._ensure_writable(locks)
        return FileLock(str(locks / f"{kind.replace(':', '-')}-{key}.lock"))

    def store(
        self,
        step: str,
        kind: str,
        key: str,
        compute: Callable[[Path], dict[str, Any]],
        describe: dict[str, Any],
    ) -> Entry:
        """Run `compute(tmp_dir)`, which writes files and returns meta, and publish the entry.

        Call it holding the key's lock (`obtain` does).
        """

        def fill(tmp: Path) -> dict[str, Any]:
            began, started = time.time(), time.perf_counter()
            meta = compute(tmp)
            seconds = time.perf_counter() - started
            files = {
                p.relative_to(tmp).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
                for p in sorted(tmp.rglob("*"))
                if p.is_file()
            }
            record = {
                "format": FORMAT,
                "key": key,
                "computed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "started_unix": round(began, 3),  # for profiles of a build (bench/cold.py)
                "seconds": round(seconds, 3),
                "files": files,
                "meta": meta,
                **describe,
                "step": step,  # the step's name ("shap[digit=3]"), where the key's description has its kind
                "kind": kind,
            }
            write_json_atomic(tmp / RECORD, record)
            return record

        record = self._publish(kind, key, fill)
        return Entry(step, key, self.entry_dir(kind, key), record)

    def _publish(self, kind: str, key: str, fill: Callable[[Path], dict[str, Any] | None]) -> dict[str, Any] | None:
        """Have `fill` write an entry into a temporary folder, then rename it into place; its record.

        `fill` returns the record it wrote, or None for nothing to publish (the folder goes).
        A failure or a kill before the rename leaves no entry, only a temporary folder.
        """
        final = self.entry_dir(kind, key)
        self._ensure_writable(final.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{key[:12]}-", dir=final.parent))
        try:
            record = fill(tmp)
            if record is None:
                shutil.rmtree(tmp, ignore_errors=True)
                return None
            if final.exists():  # a corrupt entry being replaced, or one another build finished
                shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return record

    def sweep_temporaries(self, kind: str, max_age_seconds: float = STALE_TEMPORARY) -> int:
        """Remove the temporary folders of `kind` that killed builds left; returns how many.

        A recent one may belong to a build that is still writing, so only those older
        than `max_age_seconds` go.
        """
        removed = 0
        now = time.time()
        for tmp in self.entry_dir(kind, "").glob(".tmp-*"):
            try:
                old = now - tmp.stat().st_mtime > max_age_seconds
            except FileNotFoundError:  # another build swept it first
                continue
            if old:
                shutil.rmtree(tmp, ignore_errors=True)
                removed += 1
        return removed

    def read_manifest(self) -> dict[str, dict[str, str]] | None:
        """The entries the last builds used, by step: {"key": ..., "path": ...}; None if unreadable."""
        try:
            entries = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return entries if isinstance(entries, dict) else None

    def recorded(self, step: str) -> dict[str, Any] | None:
        """The record of the entry the manifest lists for `step` (the one the last build used)."""
        previous = (self.read_manifest() or {}).get(step)
        try:
            record = json.loads((self.root / previous["path"] / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return record if isinstance(record, dict) else None

    def write_manifest(self, entries: dict[str, Entry]) -> None:
        """Record the entries a build used, on top of those already recorded, and save the digest memo.

        ``clean --unused`` keeps what the manifest lists, and the build log uses the
        recorded entry of a step to say what changed when its key is new.
        """
        recorded = self.read_manifest() or {}
        recorded.update(
            {step: {"key": e.key, "path": str(e.path.relative_to(self.root))} for step, e in entries.items()}
        )
        manifest = {
            "format": FORMAT,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "entries": dict(sorted(recorded.items())),
        }
        self._ensure_writable(self.root)
        write_json_atomic(self.root / MANIFEST, manifest)
        self.digests.save()

    def _ensure_writable(self, folder: Path) -> None:
        for path in dict.fromkeys((self.root, folder)):  # the cache folder itself first, for the message
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CacheError(f"{path}: cannot create the cache folder ({error.strerror})") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CacheError(f"{folder}: the cache folder is not writable")
