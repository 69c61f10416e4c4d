"""The theme's templates compiled once, not on every build: Jinja's bytecode cache, checked.

MkDocs makes a new Jinja environment for every build, and for every rebuild of `mkdocs
serve`, so each of Material's templates (about 60 of them, with their partials) is parsed
and compiled to Python again each time: about 0.1 s of a 2-post blog's warm build, and of
every rebuild after an edit. Jinja can keep what it compiled (`jinja2.BytecodeCache`: one
bucket per template, by name and file, holding the source's checksum, so an edited
template is compiled again). `Templates` keeps the buckets in memory for the rebuilds of
one process and as files for the next process, and adds what Jinja's own file cache lacks:

* each file carries a digest of its bytes, checked before Jinja reads it: Jinja would
  unmarshal a damaged file into other code, and a page would be rendered by it;
* the files live in a folder named by everything the compiled code depends on besides the
  source: Jinja's version, Python's, the environment's syntax settings, its extensions, its
  code generator, and how each filter and test is called (Jinja compiles a call to a filter
  that takes the context differently). Code compiled under other settings is never loaded.

A file that cannot be read or written costs a compilation, never a wrong page. Imports
nothing from MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from explaining_machines import memo
from explaining_machines.files import write_bytes_atomic

_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
             "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
             "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized",
             "is_async")  # fmt: skip
_DIGEST = 32  # bytes of blake2b before each file's payload
# The code this process compiled or loaded, by folder, bucket key and source checksum.
_COMPILED: dict[tuple[Path, str, str], CodeType] = {}


def _named(value: Any) -> str:
    """`value` as text another process writes alike: a function or class by its qualified name."""
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def compiler(environment: jinja2.Environment) -> str:
    """A digest of what `environment`'s compiled code depends on besides each template's source."""
    calls = {
        kind: sorted((name, str(getattr(function, "jinja_pass_arg", None))) for name, function in table.items())
        for kind, table in (("filters", environment.filters), ("tests", environment.tests))
    }
    return memo.digest(
        jinja2.__version__, sys.implementation.name, sys.version,
        {name: repr(getattr(environment, name)) for name in _SETTINGS},
        sorted(_named(type(extension)) for extension in environment.extensions.values()),
        _named(environment.code_generator_class), _named(environment.autoescape),
        _named(environment.finalize) if environment.finalize is not None else None, calls,
    )  # fmt: skip


class Templates(jinja2.BytecodeCache):
    """Compiled templates kept in `folder` (under a subfolder per `compiler`) and in memory."""

    def __init__(self, folder: Path, environment: jinja2.Environment) -> None:
        self.folder = folder / compiler(environment)
        self.loaded = self.compiled = 0
        if folder.is_dir() and not self.folder.is_dir():  # another compiler's code: never loaded again
            for other in (path for path in folder.iterdir() if path.is_dir()):
                shutil.rmtree(other, ignore_errors=True)

    def _file(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        code = _COMPILED.get((self.folder, bucket.key, bucket.checksum))
        if code is None:
            try:
                data = self._file(bucket).read_bytes()
            except OSError:
                return
            payload = data[_DIGEST:]
            if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != data[:_DIGEST]:
                return  # damaged: compiled again, and the file replaced
            bucket.bytecode_from_string(payload)  # Jinja checks its own magic and the source's checksum
            code = bucket.code
            if code is None:
                return
            _COMPILED[self.folder, bucket.key, bucket.checksum] = code
        bucket.code = code
        self.loaded += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled += 1
        if bucket.code is None:
            return
        _COMPILED[self.folder, bucket.key, bucket.checksum] = bucket.code
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # not written: the next process compiles it again
            write_bytes_atomic(self._file(bucket), hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload)
