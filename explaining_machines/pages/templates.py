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
  source: Jinja's, MarkupSafe's and Python's versions, the environment's settings and
  policies, its extensions, its code generator, and how each filter and test is called
  (Jinja compiles a call to a filter that takes the context differently). Code compiled
  under other settings is never loaded;
* Jinja calls filters and tests on constant arguments while compiling and bakes their
  results into the code (``{{ "site_name" | setting }}``): a template that names a filter
  or test whose result the folder's name cannot vouch for (a plugin's or a hook's, which
  may read the configuration) is compiled every time, as without the cache.

A file that cannot be read or written costs a compilation, never a wrong page. Imports
nothing from MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import re
import shutil
import sys
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import jinja2
from jinja2.bccache import Bucket

from explaining_machines import memo
from explaining_machines.files import installed_version, write_bytes_atomic

_DIGEST = 32  # bytes of blake2b before each file's payload
# The code this process compiled or loaded, by file (folder and bucket key) and source checksum.
_COMPILED: dict[tuple[Path, str], CodeType] = {}
# Where the functions come from whose results Jinja may fold into compiled code and whose
# code the folder's name covers (Jinja's version, MarkupSafe's, Python's).
_KEYED = ("jinja2", "markupsafe", "builtins", "_operator", "operator")
_PLAIN = (str, int, float, bool, tuple, type(None))


def _named(value: Any) -> str:
    """`value` as text another process writes alike: a function or class by its qualified name."""
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
    return repr(value)


def _context(function: Any) -> bool:
    """Whether Jinja passes `function` the render context: then it never calls it while compiling."""
    return getattr(getattr(function, "jinja_pass_arg", None), "name", None) == "context"


def _keyed(function: Any) -> bool:
    """Whether a filter or test that Jinja may call while compiling (on constant arguments,
    baking the result into the code) is code the folder's name covers: Jinja's own,
    MarkupSafe's or Python's, with no state of its own (a closure, a bound object)."""
    if not (inspect.isfunction(function) or inspect.isbuiltin(function)):
        return False  # an object that is called (operator.itemgetter("a"), a partial): it has state
    module = (getattr(function, "__module__", None) or "").split(".")[0]
    bound = getattr(function, "__self__", None)
    return (module in _KEYED and getattr(function, "__closure__", None) is None
            and (bound is None or isinstance(bound, ModuleType)))  # fmt: skip


def _settings(environment: jinja2.Environment) -> dict[str, Any]:
    """The environment's own plain settings: its syntax, and what extensions set on it."""
    return {name: value for name, value in vars(environment).items() if isinstance(value, _PLAIN)}


def compiler(environment: jinja2.Environment) -> str:
    """A digest of what `environment`'s compiled code depends on besides each template's
    source: Jinja's version, MarkupSafe's and Python's; the environment's own settings (its
    syntax, and what extensions set on it, such as i18n's ``newstyle_gettext``) and policies
    (``ext.i18n.trimmed`` is read while parsing); its extensions and code generator; how each
    filter and test is called, and which ones are Jinja's own."""
    calls = {
        kind: sorted((name, str(getattr(function, "jinja_pass_arg", None)), _keyed(function) and _named(function))
                     for name, function in table.items())
        for kind, table in (("filters", environment.filters), ("tests", environment.tests))
    }  # fmt: skip
    return memo.digest(
        jinja2.__version__, installed_version("markupsafe"), sys.implementation.name, sys.version,
        {name: repr(value) for name, value in _settings(environment).items()},
        {name: _named(value) for name, value in environment.policies.items()},
        sorted(_named(type(extension)) for extension in environment.extensions.values()),
        _named(environment.code_generator_class), _named(environment.autoescape), calls,
    )  # fmt: skip


def _unkept(environment: jinja2.Environment) -> re.Pattern | None:
    """The uses of the filters and tests whose results Jinja may fold into compiled code and
    that the folder's name cannot cover (a plugin's, a hook's: their results may depend on
    the configuration, or their code change), as a pattern that finds them in a template's
    source (``| name``, ``{% filter name %}``, ``is [not] name``); a template that uses one is
    compiled every time."""
    unkept = {kind: sorted(re.escape(name) for name, function in table.items()
                           if not _context(function) and not _keyed(function))
              for kind, table in (("filters", environment.filters), ("tests", environment.tests))}  # fmt: skip
    uses = [rf"(?:\|\s*|\bfilter\s+)(?:{'|'.join(unkept['filters'])})\b"] if unkept["filters"] else []
    uses += [rf"\bis\s+(?:not\s+)?(?:{'|'.join(unkept['tests'])})\b"] if unkept["tests"] else []
    return re.compile("|".join(uses)) if uses else None


class Templates(jinja2.BytecodeCache):
    """Compiled templates kept in `folder` (under a subfolder per `compiler`) and in memory.

    What the environment holds is read when each template is loaded, not when the cache is
    made, so that the filters every plugin adds are counted. Nothing is kept while the
    environment has a ``finalize`` or an ``autoescape`` function that Jinja calls while
    compiling, nor for a template that names a filter or test `_unkept` lists."""

    def __init__(self, folder: Path) -> None:
        self.root = folder
        self.loaded = self.compiled = 0
        self._seen: tuple = ()  # what the environment held at the last load, and what it gave
        self._made: tuple[Path, re.Pattern | None] = (folder, None)

    def _compiler(self, environment: jinja2.Environment) -> tuple[Path, re.Pattern | None]:
        """The folder of `environment`'s compiled code and `_unkept`'s pattern, worked out again
        only when what the environment holds changed since the last template was loaded."""
        held = (environment, dict(environment.filters), dict(environment.tests), dict(environment.policies),
                _settings(environment), tuple(environment.extensions), environment.code_generator_class,
                environment.autoescape)  # fmt: skip
        if held != self._seen:
            folder = self.root / compiler(environment)
            if self.root.is_dir() and not folder.is_dir():  # another compiler's code: never loaded again
                for other in (path for path in self.root.iterdir() if path.is_dir()):
                    shutil.rmtree(other, ignore_errors=True)
            self._seen, self._made = held, (folder, _unkept(environment))
        return self._made

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None, source: str) -> Bucket:
        bucket = Bucket(environment, self.get_cache_key(name, filename), self.get_source_checksum(source))
        (folder, unkept), finalize = self._compiler(environment), environment.finalize
        if (callable(environment.autoescape) or (finalize is not None and not _context(finalize))
                or (unkept is not None and unkept.search(source))):  # fmt: skip
            bucket.passed = True  # type: ignore[attr-defined]  # compiled without the cache
            return bucket
        bucket.file = folder / f"{bucket.key}.jinja"  # type: ignore[attr-defined]
        self.load_bytecode(bucket)
        return bucket

    def set_bucket(self, bucket: Bucket) -> None:
        if getattr(bucket, "passed", False):
            self.compiled += 1
            return
        super().set_bucket(bucket)

    def load_bytecode(self, bucket: Bucket) -> None:
        file = bucket.file  # type: ignore[attr-defined]
        code = _COMPILED.get((file, bucket.checksum))
        if code is None:
            try:
                data = file.read_bytes()
            except OSError:
                return
            payload = data[_DIGEST:]
            if hashlib.blake2b(payload, digest_size=_DIGEST).digest() != data[:_DIGEST]:
                return  # damaged: compiled again, and the file replaced
            bucket.bytecode_from_string(payload)  # Jinja checks its own magic and the source's checksum
            code = bucket.code
            if code is None:
                return
            _COMPILED[file, bucket.checksum] = code
        bucket.code = code
        self.loaded += 1

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled += 1
        file = bucket.file  # type: ignore[attr-defined]
        if bucket.code is None:
            return
        _COMPILED[file, bucket.checksum] = bucket.code
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # not written: the next process compiles it again
            data = hashlib.blake2b(payload, digest_size=_DIGEST).digest() + payload
            write_bytes_atomic(file, data)
