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
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

from explaining_machines.files import installed_version, write_bytes_atomic

FORMAT = 2  # 2: a header line, then the entries
# The entries this process last read or wrote, by file, with what the file system said of
# it then (inode, size, mtime_ns) and the code they belong to: `mkdocs serve` rebuilds in one
# process, and reading megabytes of JSON again for a file it wrote itself is wasted work.
# Any change to the file (another process, an editor, damage) changes its signature.
_RECENT: dict[Path, tuple[tuple[int, int, int], str, dict[str, Any]]] = {}


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def digest(*parts: Any) -> str:
    """A digest of JSON-able `parts` (the order of a dict's keys does not count).

    Text is hashed as its bytes, with its length before it; anything else as canonical JSON.
    Keys cover whole pages of HTML and Markdown: encoding those as JSON first would cost
    more than the hash.
    """
    state = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, str):
            data = part.encode("utf-8", "surrogatepass")
            state.update(b"s%d:" % len(data) + data)
        else:
            data = json.dumps(part, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
            state.update(b"j%d:" % len(data) + data.encode("utf-8", "surrogatepass"))
    return state.hexdigest()


def code_digest(modules: Iterable[ModuleType | Path], libraries: Iterable[str] = ()) -> str:
    """A digest of the source of `modules`, the installed versions of `libraries` and the Python
    that runs them (its standard library, html.parser say, is code the results depend on).

    A module's source and a library's version are read once per process, the first time they
    are asked for: they describe the code that runs, and `mkdocs serve` does not import an
    edited module or an upgraded library again, so a digest of the files as they are now would
    file the old code's results under the new code's key. A source file (for a module not
    imported yet, whose process will read it as it is then) is read every time.
    """
    state = hashlib.blake2b(f"format {FORMAT} {sys.implementation.name} {sys.version}".encode(), digest_size=16)
    for module in modules:
        if isinstance(module, Path):
            state.update(module.name.encode() + b"\0" + hashlib.blake2b(module.read_bytes()).digest())
        else:
            state.update(Path(module.__file__).name.encode() + b"\0" + bytes.fromhex(module_digest(module)))
    for name in libraries:
        if name not in _VERSIONS:
            _VERSIONS[name] = installed_version(name)
        state.update(f"\0{name}=={_VERSIONS[name]}".encode())
    return state.hexdigest()


_SOURCES: dict[ModuleType, str] = {}  # each module's source digest, as this process first read it
_VERSIONS: dict[str, str] = {}  # each library's version, as this process first read it


def module_digest(module: ModuleType) -> str:
    """The digest of `module`'s source as this process first read it (`code_digest`)."""
    found = _SOURCES.get(module)
    if found is None:
        found = _SOURCES[module] = hashlib.blake2b(Path(module.__file__).read_bytes()).hexdigest()
    return found


def _checksum(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=20).hexdigest()


class Memo:
    """One kind of per-page result: the last build's, and this build's.

    The file is a header line (format, code digest, checksum) and the entries as JSON; the
    checksum covers the entries' bytes as written, so checking it costs no second encoding.
    """

    def __init__(self, path: Path, code: str) -> None:
        self.path = path
        self.code = code
        self._before: dict[str, Any] = {}
        self._now: dict[str, Any] = {}
        self._changed = True  # nothing read yet: whatever this build keeps is new

    def load(self) -> str | None:
        """Read the last build's file; returns why it cannot be used, or None (also when there is none)."""
        recent = _RECENT.get(self.path)
        if recent is not None and recent[0] == _signature(self.path):
            if recent[1] == self.code:
                self._before, self._changed = recent[2], False
            return None
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            return f"cannot be read ({error.__class__.__name__}); its results are computed again"
        head, _, body = data.partition(b"\n")
        try:
            header = json.loads(head)
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                return "is not a memo file; its results are computed again"
            if header.get("sum") != _checksum(body):  # a changed byte must not change a page
                return "does not match its checksum; its results are computed again"
            entries = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"cannot be read ({error.__class__.__name__}); its results are computed again"
        if not isinstance(entries, dict):
            return "is not a memo file; its results are computed again"
        if header.get("code") == self.code:  # else the code that made them changed: nothing in it applies
            self._before = entries
            self._changed = False
        signature = _signature(self.path)
        if signature is not None:
            _RECENT[self.path] = (signature, str(header.get("code")), entries)
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
        self._changed = True

    def forget(self, key: str) -> None:
        """Drop a result its caller found unusable (a wrong shape), so it is not written back."""
        if self._now.pop(key, None) is not None:
            self._changed = True

    def save(self) -> None:
        """Write this build's results (only this build's); a build that used exactly the last
        build's results, no more and no fewer, leaves the file as it is."""
        if not self._changed and self._now.keys() == self._before.keys():
            return
        body = json.dumps(self._now, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        header = json.dumps({"format": FORMAT, "code": self.code, "sum": _checksum(body)}).encode()
        write_bytes_atomic(self.path, header + b"\n" + body)
        signature = _signature(self.path)
        if signature is not None:
            _RECENT[self.path] = (signature, self.code, self._now)
