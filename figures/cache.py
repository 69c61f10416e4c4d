"""A content-addressed cache of computed entries (data, model, explanations, figures).

An entry is a folder ``<cache>/<step>/<key>/`` holding the step's files and a
``record.json``: what the entry is, when and how fast it was computed, why, and the
SHA-256 of every file. The folder is written under a temporary name and renamed into
place, so a reader sees a whole entry or none; a build killed mid-write leaves only
a temporary folder that nothing trusts and that the next build sweeps away.
Reading an entry checks every file against the record; a mismatch (corruption,
truncation, a foreign file) is reported and the entry is recomputed.

One lock per key (a file lock, released by the OS if the process dies) lets two
builds share a cache: the second waits, then finds the entry ready. No pickle
anywhere: records are JSON, arrays ``.npz`` loaded with ``allow_pickle=False``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

RECORD = "record.json"
FORMAT = 1
MISSING = "not in the cache"  # the reason `Cache.lookup` gives when there is no entry at all


class CacheError(RuntimeError):
    """The cache folder cannot be used (for example, it is not writable)."""


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


def sha256_file(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Cache:
    """The cache folder; see the module docstring for its layout."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def entry_dir(self, step: str, key: str) -> Path:
        return self.root / step.replace(":", "-") / key

    def lookup(self, step: str, key: str) -> tuple[Entry | None, str]:
        """The verified entry, or None and the reason it cannot be used."""
        path = self.entry_dir(step, key)
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
            if file.stat().st_size != expected.get("size") or sha256_file(file) != expected.get("sha256"):
                return None, f"{name} does not match its recorded checksum (corrupt or truncated)"
        return Entry(step, key, path, record), ""

    def damaged(self, step: str, key: str) -> bool:
        """After a failed lookup: whether the entry's folder is there, so it failed to verify."""
        return self.entry_dir(step, key).is_dir()

    def lock(self, step: str, key: str) -> FileLock:
        locks = self.root / ".locks"
        self._ensure_writable(locks)
        return FileLock(str(locks / f"{step.replace(':', '-')}-{key}.lock"))

    def store(
        self,
        step: str,
        key: str,
        compute: Callable[[Path], dict[str, Any]],
        describe: dict[str, Any],
    ) -> Entry:
        """Run `compute(tmp_dir)`, which writes files and returns meta, and publish the entry."""
        final = self.entry_dir(step, key)
        self._ensure_writable(final.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{key[:12]}-", dir=final.parent))
        try:
            started = time.perf_counter()
            meta = compute(tmp)
            seconds = time.perf_counter() - started
            files = {
                p.relative_to(tmp).as_posix(): {"sha256": sha256_file(p), "size": p.stat().st_size}
                for p in sorted(tmp.rglob("*"))
                if p.is_file()
            }
            record = {
                "format": FORMAT,
                "step": step,
                "key": key,
                "computed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "seconds": round(seconds, 3),
                "files": files,
                "meta": meta,
                **describe,
            }
            _write_json_atomic(tmp / RECORD, record)
            if final.exists():  # a corrupt entry being replaced, or one another build finished
                shutil.rmtree(final, ignore_errors=True)
            os.replace(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return Entry(step, key, final, record)

    def sweep_temporaries(self, max_age_seconds: float = 3600) -> int:
        """Remove temporary folders left by killed builds; returns how many."""
        removed = 0
        if not self.root.is_dir():
            return 0
        now = time.time()
        for tmp in self.root.glob("*/.tmp-*"):
            if now - tmp.stat().st_mtime > max_age_seconds:
                shutil.rmtree(tmp, ignore_errors=True)
                removed += 1
        return removed

    def write_manifest(self, entries: dict[str, Entry]) -> None:
        """Record the entries a build used, on top of those already recorded.

        ``clean --unused`` keeps what the manifest lists, and the build log uses the
        recorded entry of a step to say what changed when its key is new.
        """
        try:
            recorded = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))["entries"]
        except (OSError, ValueError, KeyError, TypeError):
            recorded = {}
        recorded.update(
            {step: {"key": e.key, "path": str(e.path.relative_to(self.root))} for step, e in entries.items()}
        )
        manifest = {
            "format": FORMAT,
            "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "entries": dict(sorted(recorded.items())),
        }
        self._ensure_writable(self.root)
        _write_json_atomic(self.root / "manifest.json", manifest)

    def _ensure_writable(self, folder: Path) -> None:
        for path in dict.fromkeys((self.root, folder)):  # the cache folder itself first, for the message
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CacheError(f"{path}: cannot create the cache folder ({error.strerror})") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise CacheError(f"{folder}: the cache folder is not writable")


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
