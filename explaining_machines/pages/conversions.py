"""Pages' Markdown conversions kept from one build of `mkdocs serve` to the next.

MkDocs 1.6 rebuilds every page on every saved edit; the conversion of a page's Markdown
(Python-Markdown and its extensions) is the largest part of that, and for every page but
the edited one it gives what it gave a second ago. A conversion depends on the page's
final Markdown (after every plugin's and hook's ``on_page_markdown``: citations, figures
and cross-references are in it), the page's source path, the files of the site and their
URLs (links are resolved and checked against them), the Markdown configuration and the
validation settings, and the bytes of the files its snippets include; `Conversions` keys
each conversion by all of those and keeps it in memory, in this process only. Nothing is
written to disk, so no later build can trust a kept conversion: a new process starts empty.

The engine's warnings during a conversion (a link to a missing page, say) are kept with it
and said again when it is reused, so a serve that reuses a page warns as one that
converts it. Only the conversions of the last build are kept; `Indexed` does the same for
the entries Material's search makes of each finished page. Imports nothing from MkDocs.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explaining_machines import memo
from explaining_machines.source import snippets


@dataclass(frozen=True)
class Conversion:
    """What converting one page gave: its HTML and what the engine learnt from it on the way."""

    content: str
    toc: Any  # the engine's table of contents; each use gets its own copy
    title: str | None  # the title the first heading gives
    anchors: frozenset[str] | None  # the ids the page has
    links_to_anchors: dict[str, dict[str, str]] | None  # anchors it links to, by the source path of their page
    warnings: tuple[tuple[str, int, str], ...]  # (logger, level, message) said while converting

    def table_of_contents(self) -> Any:
        return copy.deepcopy(self.toc)


class _LastBuild:
    """Results of the last build, by key: what this build uses or makes is what the next
    one may reuse; the rest is dropped when it ends."""

    def __init__(self) -> None:
        self._last: dict[str, Any] = {}
        self._now: dict[str, Any] = {}
        self.reused = 0

    def _found(self, key: str | None) -> Any:
        found = self._last.get(key) if key is not None else None
        if found is not None:
            self._now[key] = found
            self.reused += 1
        return found

    def _keep(self, key: str | None, value: Any) -> None:
        if key is not None:
            self._now[key] = value

    def end(self) -> None:
        """The build is done: keep what it used, drop the rest."""
        self._last, self._now = self._now, {}

    def drop(self) -> None:
        """A failed build: keep the last whole build's results, none of this one's."""
        self._now = {}


class Conversions(_LastBuild):
    """The conversions of the last build, by the digest of what each depends on."""

    def __init__(self) -> None:
        super().__init__()
        self._site = ""
        self.converted = 0

    def begin(self, site: Sequence[tuple[str, str, str]], configuration: Any) -> None:
        """Start a build of a site with these files (source path, destination, URL) and this
        Markdown and validation configuration (anything `repr` describes fully)."""
        self._site = memo.digest(sorted(site), repr(configuration))
        self.reused = self.converted = 0

    def key(
        self, src_uri: str, markdown: str, snippet_paths: Sequence[str | Path], appended: Sequence[str] = ()
    ) -> str | None:
        """The key of a page's conversion; None when it cannot be kept (its snippets include
        something that cannot be followed from here). `appended`: the files pymdownx.snippets
        adds to every page (its ``auto_append``)."""
        text = markdown + "".join(f'\n--8<-- "{name}"\n' for name in appended)
        included = snippets.included(text, snippet_paths) if "8<-" in text else []
        if included is None:
            return None
        return memo.digest(
            self._site,
            src_uri,
            markdown,
            [[str(path), hashlib.sha256(path.read_bytes()).hexdigest()] for path in included],
        )

    def get(self, key: str | None) -> Conversion | None:
        return self._found(key)

    def put(self, key: str | None, conversion: Conversion) -> None:
        self.converted += 1
        self._keep(key, conversion)


class Indexed(_LastBuild):
    """The search index's entries of each page in the last build, by what they were made from.

    Material's search plugin parses every page's finished HTML again, on every build, to cut
    it into sections (`html.parser`); the entries depend on that HTML, the page's URL,
    title, front matter and table of contents (each section's link). Kept in memory, as
    `Conversions` are, and only for the last build."""

    @staticmethod
    def key(content: str, url: str, title: Any, meta: Any, toc: Sequence[tuple[str, str]]) -> str:
        return memo.digest(content, url, repr(title), repr(meta), list(toc))

    def get(self, key: str) -> list[dict] | None:
        found = self._found(key)
        return copy.deepcopy(found) if found is not None else None

    def put(self, key: str, entries: list[dict]) -> None:
        self._keep(key, copy.deepcopy(entries))

    def begin(self) -> None:
        self.reused = 0


def anchors(toc: Any) -> Iterator[tuple[str, str]]:
    """Every entry of a table of contents, depth first, as Material's search looks them up."""
    for item in toc or ():
        yield item.id, item.url
        yield from anchors(item.children)


@contextlib.contextmanager
def said() -> Iterator[list[tuple[str, int, str]]]:
    """What is logged at info level or above while the block runs, by the engine (whose
    loggers, under ``mkdocs``, do not propagate to the root) and by extensions."""
    kept: list[tuple[str, int, str]] = []
    seen: set[logging.LogRecord] = set()  # the records themselves: an id may be reused once one is freed

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record not in seen:  # once, should a record reach both loggers
                seen.add(record)
                kept.append((record.name, record.levelno, record.getMessage()))

    handler = Keep(logging.INFO)
    loggers = [logging.getLogger(name) for name in ("mkdocs", "")]  # MkDocs' own loggers do not propagate to the root
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield kept
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
