"""Pages' Markdown conversions and search entries, kept from one build to the next.

MkDocs converts every page's Markdown on every build (Python-Markdown and its extensions),
and on every saved edit under `mkdocs serve`; for every page but the edited one it gives
what it gave the build before. A conversion depends on the page's final Markdown (after
every plugin's and hook's ``on_page_markdown``: citations, figures and cross-references
are in it), the page's source path and URL, the files of the site, their URLs and whether
each is a draft or excluded (links are resolved and checked against them, and a link from
or to an excluded page warns at a lower level), the Markdown configuration (every
extension, by name or by its class and the source of its module, and their settings),
the validation settings, the levels the loggers let through (`verbosity`), the bytes of
the files its snippets include (followed in either form, and into ``auto_append``), and
the code of the extensions (the versions of the libraries that hold them, the source of
this project's own, the Python that runs them). `Conversions` keys each conversion by all
of those, in a memo of the cache folder (`explaining_machines.memo`: checksummed, set
aside whole when damaged or foreign). A configuration that cannot be described across
processes (an extension set up with a function, say) keeps nothing, and neither does a
page whose snippets include snippets or URLs: those are converted every time.

The engine's warnings during a conversion (a link to a missing page, say) are kept with it
and said again when it is reused, so a build that reuses a page warns as one that
converts it, and ``--strict`` fails alike; a warning of a logger nobody handles is printed
by Python's last resort, the first time as the next. `Indexed` does the same for the
entries Material's search makes of each finished page. Imports nothing from MkDocs.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import importlib.metadata
import logging
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explaining_machines import files, memo
from explaining_machines.source import snippets

# The libraries whose code converts a page: Python-Markdown, its extensions, the highlighter,
# MkDocs' own tree processors, and what the project's MathML extension calls.
LIBRARIES = ("markdown", "pymdown-extensions", "pygments", "mkdocs", "mkdocs-material", "latex2mathml")
# The engines whose loggers a conversion writes to: MkDocs', and ProperDocs' (its fork, whose
# modules log under its own name and whose version, when it is installed, is in the code).
ENGINES = ("mkdocs", "properdocs")
_OWN = "explaining_machines."  # the project's own extensions: their modules are in the memo's code
_BUILT_IN = {"abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code", "footnotes",
             "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty", "tables",
             "toc", "wikilinks"}  # fmt: skip
_UNSTABLE = " at 0x"  # in a repr: an object's address, which no other process shares


@dataclass(frozen=True)
class Conversion:
    """What converting one page gave: its HTML and what the engine learnt from it on the way."""

    content: str
    toc: list  # the table of contents as Python-Markdown's tokens (level, id, name, children)
    title: str | None  # the title the first heading gives
    anchors: frozenset[str] | None  # the ids the page has
    links_to_anchors: dict[str, dict[str, str]] | None  # anchors it links to, by the source path of their page
    warnings: tuple[tuple[str, int, str], ...]  # (logger, level, message) said while converting

    def to_json(self) -> dict:
        return {
            "html": self.content, "toc": self.toc, "title": self.title,
            "anchors": sorted(self.anchors) if self.anchors is not None else None,
            "links": [[uri, list(found.items())] for uri, found in self.links_to_anchors.items()]
            if self.links_to_anchors is not None else None,  # pairs: JSON objects come back sorted
            "warnings": [list(warning) for warning in self.warnings],
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: Any) -> Conversion | None:
        """The conversion `data` holds, or None when it is not one (a foreign or damaged entry)."""
        try:
            anchors, links, warnings = data["anchors"], data["links"], data["warnings"]
            if not (isinstance(data["html"], str) and is_toc(data["toc"])
                    and (data["title"] is None or isinstance(data["title"], str))):  # fmt: skip
                return None
            if anchors is not None and not all(isinstance(anchor, str) for anchor in anchors):
                return None
            if links is not None:
                links = {str(uri): {str(anchor): str(link) for anchor, link in found} for uri, found in links}
            said = tuple((str(name), int(level), str(message)) for name, level, message in warnings)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        return cls(data["html"], data["toc"], data["title"], frozenset(anchors) if anchors is not None else None,
                   links, said)  # fmt: skip


def is_toc(items: Any) -> bool:
    """Whether `items` is a table of contents as Python-Markdown's tokens."""
    return isinstance(items, list) and all(
        isinstance(item, dict) and isinstance(item.get("level"), int) and isinstance(item.get("id"), str)
        and isinstance(item.get("name"), str) and is_toc(item.get("children"))
        for item in items
    )  # fmt: skip


def describe(extensions: Sequence[Any], configs: Mapping[str, Any], *rest: Any) -> list | None:
    """The Markdown configuration as text that another process would write alike; None when
    a conversion may depend on more than the key holds: an extension of another library
    (which may read files the key does not name), pymdownx.b64 (which inlines images),
    settings that hold functions or objects."""
    described: list = []
    for extension in extensions:
        if isinstance(extension, str):
            if not _pure(extension):
                return None
            described.append(extension)
            continue
        cls = type(extension)
        module = sys.modules.get(cls.__module__)
        if not cls.__module__.startswith(_OWN) or getattr(module, "__file__", None) is None:
            return None
        settings = repr(sorted(extension.getConfigs().items()))
        if _UNSTABLE in settings:
            return None
        source = memo.module_digest(module)  # the code that runs, as `memo.code_digest` reads it
        described.append([cls.__module__, cls.__qualname__, source, settings])
    settings = repr(configs) + repr(rest)
    return None if _UNSTABLE in settings else [described, settings]


def _pure(name: str) -> bool:
    """Whether Markdown extension `name` is one of `LIBRARIES`' that read nothing but the page
    (pymdownx.snippets reads files, which `Conversions.key` follows)."""
    if ":" in name:  # "module:Class": a class of the module's choosing, not told from here
        return False
    if "." not in name:
        return name in _BUILT_IN
    library, _, extension = name.rpartition(".")
    return (library == "markdown.extensions" and extension in _BUILT_IN) or (
        library == "pymdownx" and extension != "b64"
    )


def includes(extensions: Sequence[Any], configs: Mapping[str, Any]) -> snippets.Includes | None:
    """What the site's pymdownx.snippets includes in a page; None when the site has none."""
    return snippets.Includes(configs.get("pymdownx.snippets", {})) if "pymdownx.snippets" in extensions else None


def included(markdown: str, includes: snippets.Includes | None) -> list | None:
    """The files `markdown`'s snippets include (`snippets.Includes`; None: the site has no
    snippets), as (path, digest) pairs; None when what they include cannot be told."""
    found = includes(markdown) if includes is not None else []
    try:
        return None if found is None else [[str(path), hashlib.sha256(path.read_bytes()).hexdigest()] for path in found]
    except OSError:  # gone since: the conversion will say so
        return None


def verbosity() -> list[int]:
    """The levels at which the loggers that a conversion may write to let records through:
    what `said` can keep depends on them (``mkdocs build -q`` makes no warnings at all, a
    debug run lists no anchors), so they are part of what a conversion is kept by."""
    names = [f"{engine}{part}" for engine in ENGINES for part in (".structure.pages", "")]
    return [logging.getLogger(name).getEffectiveLevel() for name in (*names, "")]


def code(own: Sequence[Any]) -> str:
    """The code digest of a conversions memo: this module, `own` (the project's modules in
    the pipeline) and the converting libraries, with those that add to Pygments."""
    return memo.code_digest((sys.modules[__name__], *own), LIBRARIES + _pygments_plugins() + _installed(ENGINES[1:]))


@functools.cache  # once per process, as `memo.code_digest` reads the code that runs
def _installed(names: tuple[str, ...]) -> tuple[str, ...]:
    """Those of the distributions `names` that are installed (metadata another tool left
    behind, with no version to read, does not count)."""
    found = []
    for name in names:
        try:
            files.installed_version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        found.append(name)
    return tuple(found)


@functools.cache
def _pygments_plugins() -> tuple[str, ...]:
    """The distributions that add lexers, formatters, styles or filters to Pygments (entry
    points in a ``pygments.*`` group, such as ipython_pygments_lexers'): they shape highlighted
    code too. Read from the installed metadata's ``entry_points.txt`` files directly, which
    costs a few milliseconds where `importlib.metadata.entry_points` costs thirty."""
    found = set()
    for folder in map(Path, sys.path):
        for points in (*folder.glob("*.dist-info/entry_points.txt"), *folder.glob("*.egg-info/entry_points.txt")):
            try:
                if "[pygments." in points.read_text(encoding="utf-8", errors="replace"):
                    found.add(points.parent.name.removesuffix(".dist-info").removesuffix(".egg-info").split("-")[0])
            except OSError:
                continue
    return _installed(tuple(sorted(found)))


class Conversions:
    """The conversions of the last build, by the digest of what each depends on."""

    def __init__(self, store: memo.Memo) -> None:
        self.store = store
        self._site: str | None = None
        self.reused = self.converted = 0

    def begin(self, site: Sequence[tuple[str, ...]], configuration: list | None) -> None:
        """Start a build of a site with these files (source path, destination, URL, inclusion) and this
        Markdown and validation configuration (`describe`'s; None keeps nothing)."""
        self._site = memo.digest(sorted(site), configuration) if configuration is not None else None

    def key(self, src_uri: str, url: str, markdown: str, includes: snippets.Includes | None) -> str | None:
        """The key of a page's conversion; None when it cannot be kept (its snippets include
        something that cannot be followed from here, or the configuration cannot be told).
        `includes`: what the site's pymdownx.snippets includes (None when it has none)."""
        if self._site is None:
            return None
        files = included(markdown, includes)
        return self.store.key(self._site, src_uri, url, markdown, files) if files is not None else None

    def get(self, key: str | None) -> Conversion | None:
        if key is None:
            return None
        found = self.store.get(key)
        if found is None:
            return None
        conversion = Conversion.from_json(found)
        if conversion is None:
            self.store.forget(key)
        else:
            self.reused += 1
        return conversion

    def put(self, key: str | None, conversion: Conversion) -> None:
        self.converted += 1
        if key is not None:
            self.store.put(key, conversion.to_json())


class Indexed:
    """The search index's entries of each page, by what they were made from.

    Material's search plugin parses every page's finished HTML again, on every build, to cut
    it into sections (`html.parser`); the entries depend on that HTML, the page's URL,
    title, front matter and table of contents (each section's link), and on the plugin's
    settings and version (in the memo's code). Each entry is kept as its (field, value)
    pairs, in the order Material wrote them; entries that JSON does not carry unchanged (a
    boost that is a date, say) are not kept."""

    def __init__(self, store: memo.Memo) -> None:
        self.store = store
        self.reused = 0

    def key(self, content: str, url: str, title: Any, meta: Any, toc: Sequence[tuple[str, str]]) -> str | None:
        described = repr(title) + repr(meta)
        return None if _UNSTABLE in described else self.store.key(content, url, described, list(toc))

    def get(self, key: str | None) -> list[dict] | None:
        found = self.store.get(key) if key is not None else None
        if found is None:
            return None
        try:
            entries = [{field: copy.deepcopy(value) for field, value in entry} for entry in found]
        except (TypeError, ValueError):
            entries = None
        if entries is None or not all(isinstance(field, str) for entry in entries for field in entry):
            self.store.forget(key)
            return None
        self.reused += 1
        return entries

    def put(self, key: str | None, entries: list[dict]) -> None:
        if key is not None and _plain(entries):
            self.store.put(
                key, [[[field, copy.deepcopy(value)] for field, value in entry.items()] for entry in entries]
            )


def _plain(value: Any) -> bool:
    """Whether JSON writes and reads `value` back as it is."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item) for key, item in value.items())
    if isinstance(value, list):
        return all(map(_plain, value))
    return value is None or isinstance(value, (str, int, float, bool))


def anchors(toc: Any) -> Iterator[tuple[str, str]]:
    """Every entry of a table of contents, depth first, as Material's search looks them up."""
    for item in toc or ():
        yield item.id, item.url
        yield from anchors(item.children)


@contextlib.contextmanager
def said() -> Iterator[list[tuple[str, int, str]]]:
    """What is logged while the block runs (at the levels the loggers let through, which a
    conversion's key holds: `verbosity`), by the engine (whose loggers, under ``mkdocs`` or
    ``properdocs``, do not propagate to the root) and by extensions."""
    kept: list[tuple[str, int, str]] = []
    seen: set[logging.LogRecord] = set()  # the records themselves: an id may be reused once one is freed

    thread = threading.get_ident()  # the conversion's: under mkdocs serve, the server's threads log too

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record in seen or record.thread != thread:  # once, should a record reach both loggers
                return
            seen.add(record)
            try:
                kept.append((record.name, record.levelno, record.getMessage()))
            except Exception:  # a malformed call: reported as logging reports it, not raised into the page
                self.handleError(record)
                return
            if not _handled(record.name, self) and logging.lastResort and record.levelno >= logging.lastResort.level:
                logging.lastResort.handle(record)  # as it would be without this handler, and as when it is said again

    handler = Keep(logging.NOTSET)
    loggers = [logging.getLogger(name) for name in (*ENGINES, "")]  # the engine's own do not propagate to the root
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield kept
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def say_again(warnings: Sequence[Sequence[Any]]) -> None:
    """Log again what `said` kept, (logger, level, message) each, as it was logged then."""
    for name, level, message in warnings:
        logging.getLogger(name).log(level, "%s", message)


def _handled(name: str, besides: logging.Handler) -> bool:
    """Whether a record of logger `name` reaches a handler other than `besides`: if not,
    Python's logging hands it to its last resort, which prints it."""
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        if any(handler is not besides for handler in logger.handlers):
            return True
        logger = logger.parent if logger.propagate else None
    return False
