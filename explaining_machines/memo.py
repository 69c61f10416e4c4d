"""Per-page results kept from one build to the next, by the digest of what they depend on.

A warm build renders most pages from exactly the inputs of the build before: the same
Markdown, the same .bib files, the same labels, the same code. Every kind of per-page work
(a page's citations rendered, an excerpt converted, a page's links read) keeps its results
in one `Memo`: a JSON file in the cache folder, mapping a key to a result. The key is a
digest of everything the result depends on, *and* of the code that computed it (`code`:
the source of the modules that do the work, and the versions of the libraries they call),
so a change to any input or to the code makes a miss, never a stale hit.

The file is trusted only as a whole: a checksum covers every entry, so a damaged or
foreign file is set aside (the caller is told why, at info level) and every result is
computed again; each caller also checks the shape of what it reads back. Only the
results used or made by this build are written back, so the file never grows past one
site. Imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from explaining_machines.files import write_json_atomic

FORMAT = 1


def digest(*parts: Any) -> str:
    """A digest of JSON-able `parts` (the order of a dict's keys does not count)."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def code_digest(modules: Iterable[ModuleType], libraries: Iterable[str] = ()) -> str:
    """A digest of the source of `modules` and the installed versions of `libraries`."""
    state = hashlib.blake2b(f"format {FORMAT}".encode(), digest_size=16)
    for module in modules:
        state.update(module.__name__.encode() + b"\0" + Path(module.__file__).read_bytes())
    for name in libraries:
        state.update(f"\0{name}=={importlib.metadata.version(name)}".encode())
    return state.hexdigest()


def _checksum(entries: dict[str, Any]) -> str:
    return digest(entries)


class Memo:
    """One kind of per-page result: the last build's, and this build's."""

    def __init__(self, path: Path, code: str) -> None:
        self.path = path
        self.code = code
        self._before: dict[str, Any] = {}
        self._now: dict[str, Any] = {}

    def load(self) -> str | None:
        """Read the last build's file; returns why it cannot be used, or None (also when there is none)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"cannot be read ({error.__class__.__name__}); its results are computed again"
        if not isinstance(data, dict) or not isinstance(data.get("entries"), dict):
            return "is not a memo file; its results are computed again"
        if data.get("sum") != _checksum(data["entries"]):  # a changed byte must not change a page
            return "does not match its checksum; its results are computed again"
        if data.get("code") == self.code:  # else the code that made them changed: nothing in it applies
            self._before = data["entries"]
        return None

    def key(self, *parts: Any) -> str:
        """The key of a result that depends on `parts` (and on the code, as every key does)."""
        return digest(self.code, *parts)

    def get(self, key: str) -> Any | None:
        """The result kept under `key` by this build or the last, or None. Callers check its shape."""
        found = self._now.get(key)
        if found is None:
            found = self._before.get(key)
            if found is not None:
                self._now[key] = found  # used by this build: kept for the next
        return found

    def put(self, key: str, value: Any) -> None:
        """Keep `value` (JSON-able) under `key`."""
        self._now[key] = value

    def forget(self, key: str) -> None:
        """Drop a result its caller found unusable (a wrong shape), so it is not written back."""
        self._now.pop(key, None)

    def save(self) -> None:
        """Write this build's results (only this build's)."""
        write_json_atomic(
            self.path, {"code": self.code, "sum": _checksum(self._now), "entries": self._now}, indent=None
        )
