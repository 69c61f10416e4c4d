"""The remote cache: entries shared through an object store (S3 and kin), trusted only once verified.

Layout under the configured URL (``s3://bucket/prefix``), in two parts, as Bazel's
remote cache keeps its action cache apart from its content-addressed store:

* ``v1/entries/<kind>/<key>.json``: an entry's ``record.json``, byte for byte as the
  computing build wrote it; the record names every file with its SHA-256 and size;
* ``v1/files/<sha256>``: the files' bytes, each named by its digest.

A reader (`Remote.download`) takes the record, checks it against the key it asked
for (its description hashes to that key: `figures.keys.key_of`), then streams each
file into the cache's temporary folder, hashing as it goes; one mismatch refuses the
entry with a warning that names the key and the command that deletes it. Only a
whole, verified entry is renamed into the local cache (`figures.cache.Cache.fetch`).

A writer (`Remote.upload`, with ``remote_cache.write: true``) puts the files first
and the record last, each create-only (``If-None-Match: *``): an entry appears whole
or not at all, and a valid entry is never overwritten. A writer that finds the key
taken compares what the two entries hold (`figures.cache.Entry.output_digest`):
equal is fine, different means the step is not deterministic, and the warning names
it. Only what this process saw to be damaged (a file whose bytes do not match their
name, a record that fails its checks) is replaced.

Faults cost a bounded wait: every request has a time-out and a bounded number of
retries (`open_remote`); the first failure is one warning, and the process (and the
worker processes it starts, through `child_environment`) uses no remote for the rest
of the build. obstore is imported only when a remote is configured.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from figures.cache import RECORD, Entry
from figures.errors import FigureError
from figures.records import SHA256, check_record

if TYPE_CHECKING:
    from explaining_machines.settings import RemoteCacheSettings

VERSION = "v1"
DOWN = "FIGURES_REMOTE_DOWN"  # set for worker processes once the build found the remote failing
CHUNK = 1 << 20
_down: dict[str, str] = {}  # url -> why this process stopped using it (read by `child_environment`)


class RemoteError(FigureError):
    """The remote cache cannot be reached or refused a request; the message says which and why."""


def child_environment() -> dict[str, str]:
    """Variables for a worker process: the remotes this process found failing, so that it skips them too."""
    return {DOWN: json.dumps(_down)} if _down else {}


def open_remote(settings: RemoteCacheSettings) -> Remote | None:
    """The remote cache the settings name, or None without ``remote_cache.url``; makes no request."""
    if settings.url is None:
        return None
    from obstore.store import from_url

    url = settings.url.rstrip("/")
    options: dict[str, Any] = {}
    if not url.startswith(("file:", "memory:")):  # local stores take no HTTP client options
        timeout = timedelta(seconds=settings.timeout)
        options = {
            # Given client options, obstore no longer reads AWS_ALLOW_HTTP itself.
            "client_options": {
                "timeout": timeout,
                "connect_timeout": min(timeout, timedelta(seconds=5)),
                "allow_http": os.environ.get("AWS_ALLOW_HTTP", "").lower() in ("1", "true"),
            },
            # 5xx, dropped connections and time-outs are retried, never for longer than `timeout`.
            "retry_config": {
                "max_retries": 2,
                "retry_timeout": timeout,
                "backoff": {"init_backoff": timedelta(milliseconds=200), "max_backoff": timedelta(seconds=2)},
            },
        }
    try:
        store = from_url(url, **options)
    except Exception as error:  # obstore raises its own classes and ValueError for a URL it cannot use
        raise RemoteError(f"extra.project.remote_cache.url: cannot open {url}: {_first_line(error)}") from None
    remote = Remote(url, settings.write, store)
    _down.pop(url, None)  # a new build tries again (mkdocs serve keeps this module)
    inherited = json.loads(os.environ.get(DOWN) or "{}")
    if url in inherited:
        remote.down = inherited[url]
    return remote


@dataclass
class Refusal:
    """What this process found wrong with a remote entry: a writer may replace exactly that."""

    problem: str
    record: bool = False  # the record itself fails its checks
    files: frozenset[str] = frozenset()  # digests of files whose bytes do not match their names


@dataclass
class Remote:
    """One remote cache, for one process; counts what it moved."""

    url: str
    write: bool
    store: Any
    down: str | None = None  # why this process no longer uses it
    absent: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) the remote does not hold
    refused: dict[tuple[str, str], Refusal] = field(default_factory=dict)
    fetched: int = 0
    bytes_down: int = 0
    uploaded: int = 0
    bytes_up: int = 0

    # ------------------------------------------------------------------ names

    @staticmethod
    def record_path(kind: str, key: str) -> str:
        return f"{VERSION}/entries/{kind.replace(':', '-')}/{key}.json"

    @staticmethod
    def file_path(sha256: str) -> str:
        return f"{VERSION}/files/{sha256}"

    def delete_command(self, kind: str, key: str) -> str:
        return f"python -m figures remote --delete {kind.replace(':', '-')}/{key}"

    # ------------------------------------------------------------------ reading

    def may_hold(self, kind: str, key: str) -> bool:
        """Whether asking is worth it: the remote is in use and not known to lack the entry."""
        return self.down is None and (kind, key) not in self.absent

    def download(self, step: str, kind: str, key: str, folder: Path, log: logging.Logger) -> dict[str, Any] | None:
        """Fill `folder` with the entry's files and record, verified; None (and `folder` partly
        filled, for the caller to remove) if the remote lacks it, refuses it or fails."""
        if not self.may_hold(kind, key):
            return None
        try:
            raw = self._get(self.record_path(kind, key))
            if raw is None:
                self.absent.add((kind, key))
                return None
            record, problem = check_record(raw, kind, key)
            if record is None:
                return self._refuse(step, kind, key, Refusal(problem, record=True), log)
            moved = len(raw)
            for name, about in record["files"].items():
                path = folder / name
                path.parent.mkdir(parents=True, exist_ok=True)
                got = self._get_file(about["sha256"], path)
                if got is None:
                    missing = Refusal(f"{name} is missing from the remote", files=frozenset([about["sha256"]]))
                    return self._refuse(step, kind, key, missing, log)
                digest, size = got
                moved += size
                if digest != about["sha256"] or size != about["size"]:
                    bad = Refusal(f"{name} does not match its recorded checksum", files=frozenset([about["sha256"]]))
                    return self._refuse(step, kind, key, bad, log)
        except RemoteError as error:
            self.fail(str(error), log)
            return None
        (folder / RECORD).write_bytes(raw)
        self.fetched += 1
        self.bytes_down += moved
        log.info("%s: from the remote cache (%s, %s)", step, key[:12], human_bytes(moved))
        return record

    def _refuse(self, step: str, kind: str, key: str, refusal: Refusal, log: logging.Logger) -> None:
        self.refused[(kind, key)] = refusal
        log.warning(
            "%s: remote entry %s/%s refused: %s; computing it here. To delete it from the remote "
            "(a build with write access then uploads it again): %s",
            step, kind.replace(":", "-"), key, refusal.problem, self.delete_command(kind, key),
        )  # fmt: skip
        return None

    def fail(self, reason: str, log: logging.Logger) -> None:
        """Stop using the remote in this process (and its workers), with one warning."""
        if self.down is None:
            log.warning("remote cache %s: %s; this build goes on without it", self.url, reason)
        self.down = reason
        _down[self.url] = reason

    # ------------------------------------------------------------------ writing

    def upload(self, entry: Entry, log: logging.Logger) -> str:
        """Put a local entry on the remote, create-only; returns what happened.

        ``uploaded``, ``present`` (an equal entry was there), ``differs`` (another result
        under the same key: a warning names the step), ``skipped`` (the remote is not in use).
        """
        if self.down is not None:
            return "skipped"
        kind, key = entry.record.get("kind", entry.path.parent.name), entry.key
        refusal = self.refused.get((kind, key))
        try:
            ours = {about["sha256"] for about in entry.record["files"].values()}
            repairs = refusal is not None and bool(refusal.files & ours)  # files it found damaged or missing
            if refusal is None or not refusal.record:
                existing = self._get(self.record_path(kind, key))
                if existing is not None and check_record(existing, kind, key)[0] is None:
                    # Provably not an entry of this key (damaged, or another's): the one thing a writer replaces.
                    refusal = Refusal(check_record(existing, kind, key)[1], record=True)
                    log.warning("%s: the remote's record of %s is unusable (%s); this build replaces it",
                                entry.step, key[:12], refusal.problem)  # fmt: skip
                elif existing is not None and not repairs:
                    return self._compare(entry, existing, log)
            moved = 0
            for name, about in entry.record["files"].items():
                damaged = refusal is not None and about["sha256"] in refusal.files
                if damaged or not self._exists(self.file_path(about["sha256"])):
                    moved += self._put(self.file_path(about["sha256"]), entry.file(name).read_bytes(), damaged) or 0
            raw = (entry.path / RECORD).read_bytes()
            if refusal is None or refusal.record:
                won = self._put(self.record_path(kind, key), raw, refusal is not None) is not None
                if not won:  # another writer put the record first
                    return self._compare(entry, self._get(self.record_path(kind, key)) or b"", log)
                moved += len(raw)
        except RemoteError as error:
            self.fail(str(error), log)
            return "skipped"
        self.refused.pop((kind, key), None)
        self.absent.discard((kind, key))
        self.uploaded += 1
        self.bytes_up += moved
        log.info("%s: uploaded to the remote cache (%s, %s)", entry.step, key[:12], human_bytes(moved))
        return "uploaded"

    def _compare(self, entry: Entry, raw: bytes, log: logging.Logger) -> str:
        record, problem = check_record(raw, entry.record.get("kind", ""), entry.key)
        theirs = Entry(entry.step, entry.key, entry.path, record).output_digest if record else None
        if theirs == entry.output_digest:
            return "present"
        differ = problem or "files differ: " + ", ".join(
            sorted(
                n for n, a in entry.record["files"].items() if record["files"].get(n, {}).get("sha256") != a["sha256"]
            )
            or ["the recorded numbers"]
        )
        log.warning(
            "%s: the remote cache holds key %s with another result (%s): the step is not deterministic; "
            "the remote entry is kept, this build uses its own",
            entry.step, entry.key[:12], differ,
        )  # fmt: skip
        return "differs"

    # ------------------------------------------------------------------ listing and deleting

    def records(self) -> list[dict[str, Any]]:
        """Every entry record the remote holds: {"kind", "key", "size", "modified"}."""
        found = []
        for meta in self._list(f"{VERSION}/entries/"):
            kind, name = meta["path"].split("/")[-2:]
            if name.endswith(".json"):
                found.append({"kind": kind, "key": name.removesuffix(".json"), "size": meta["size"],
                              "modified": meta["last_modified"]})  # fmt: skip
        return found

    def files_size(self) -> tuple[int, int]:
        """How many files the remote holds, and their bytes."""
        sizes = [meta["size"] for meta in self._list(f"{VERSION}/files/")]
        return len(sizes), sum(sizes)

    def record_of(self, kind: str, key: str) -> dict[str, Any] | None:
        """A remote record, checked; None if absent or unusable."""
        raw = self._get(self.record_path(kind, key))
        return None if raw is None else check_record(raw, kind, key)[0]

    def delete(self, kind: str, key: str) -> list[str]:
        """Delete an entry's record and those of its files whose bytes do not match their names; what went."""
        import obstore

        gone = []
        raw = self._get(self.record_path(kind, key))
        if raw is None:
            return gone
        try:
            files = json.loads(raw).get("files", {})
            digests = [about["sha256"] for about in files.values() if SHA256.fullmatch(str(about.get("sha256")))]
        except (ValueError, AttributeError, TypeError):
            digests = []
        for digest in digests:
            data = self._get(self.file_path(digest))
            if data is not None and hashlib.sha256(data).hexdigest() != digest:
                obstore.delete(self.store, self.file_path(digest))
                gone.append(self.file_path(digest))
        obstore.delete(self.store, self.record_path(kind, key))
        return [self.record_path(kind, key), *gone]

    # ------------------------------------------------------------------ requests

    def _get(self, path: str) -> bytes | None:
        import obstore

        try:
            return bytes(obstore.get(self.store, path).bytes())
        except FileNotFoundError:
            return None
        except Exception as error:
            raise RemoteError(_first_line(error)) from None

    def _get_file(self, sha256: str, path: Path) -> tuple[str, int] | None:
        """Stream a file into `path`, hashing as it comes: (digest, size), None if absent."""
        import obstore

        digest, size = hashlib.sha256(), 0
        try:
            result = obstore.get(self.store, self.file_path(sha256))
            with path.open("wb") as out:
                for chunk in result.stream(min_chunk_size=CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
        except FileNotFoundError:
            return None
        except Exception as error:  # a download cut short, a time-out, a 5xx
            raise RemoteError(_first_line(error)) from None
        return digest.hexdigest(), size

    def _exists(self, path: str) -> bool:
        import obstore

        try:
            obstore.head(self.store, path)
        except FileNotFoundError:
            return False
        except Exception as error:
            raise RemoteError(_first_line(error)) from None
        return True

    def _put(self, path: str, data: bytes, replace: bool = False) -> int | None:
        """Create `path` (overwrite it only if `replace`); its size, or None if it was there already."""
        import obstore
        from obstore.exceptions import AlreadyExistsError

        try:
            obstore.put(self.store, path, data, mode="overwrite" if replace else "create", use_multipart=False)
        except AlreadyExistsError:
            return None
        except Exception as error:
            raise RemoteError(_first_line(error)) from None
        return len(data)

    def _list(self, prefix: str) -> list[dict[str, Any]]:
        import obstore

        try:
            return [meta for batch in obstore.list(self.store, prefix) for meta in batch]
        except Exception as error:
            raise RemoteError(_first_line(error)) from None


def human_bytes(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1000 or unit == "MB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size} B"  # pragma: no cover


def _first_line(error: Exception) -> str:
    """obstore's messages carry a debug dump after the first line; the first line says it."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."
