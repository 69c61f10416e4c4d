"""What one build knows of a page's citations: its labels, its .bib files, what it cites.

A page's bibliography is named by its .bib files and their digests (`BibSource`), and
parsed with pybtex only when something needs its entries (`PageInfo.library`): a warm
build whose pages are all as the memo remembers them (`explaining_machines.citations.apparatus`)
never imports pybtex. Imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explaining_machines.citations import citepost, xref
from explaining_machines.citations.entries import anchor_id
from explaining_machines.errors import SourceError

if TYPE_CHECKING:
    from explaining_machines.citations import bibtex


@dataclass(frozen=True)
class BibSource:
    """One .bib file a page reads: where it is, how messages name it, the SHA-256 of its bytes."""

    path: Path
    display: str
    digest: str


def bib_source(path: Path, display: str, digests: dict[Path, str]) -> BibSource:
    """The `BibSource` of the file at `path`; `digests` remembers each file's digest within a build."""
    resolved = path.resolve()
    if resolved not in digests:
        try:
            digests[resolved] = hashlib.sha256(resolved.read_bytes()).hexdigest()
        except OSError as error:
            raise SourceError(f"{display}: cannot read bibliography: {error.strerror}") from None
    return BibSource(resolved, display, digests[resolved])


@dataclass
class PageInfo:
    """What the build knows of one Markdown page after reading it."""

    where: str  # the source path as messages show it: docs/blog/posts/x.md
    first_line: int  # the line of the body, after the front matter
    body: str
    bibs: tuple[BibSource, ...] | None  # None: the page cites nothing
    labels: xref.PageLabels
    cited: list[str] = field(default_factory=list)  # bibliography keys, in order of first citation
    post: citepost.Post | None = None
    bib_file: str | None = None  # where the post's .bib file is published, site-relative
    _library: bibtex.Library | None = field(default=None, repr=False)

    @property
    def library(self) -> bibtex.Library | None:
        """The page's .bib files, parsed (once, and only when asked for)."""
        if self.bibs is None:
            return None
        if self._library is None:
            from explaining_machines.citations import bibtex

            try:
                self._library = bibtex.Library([bibtex.load(bib.path, bib.display) for bib in self.bibs])
            except bibtex.BibliographyError as error:
                raise SourceError(str(error)) from None
        return self._library

    def bib_state(self) -> list[list[str]] | None:
        """What the page's bibliography is, for memo keys: each file as shown, with its digest."""
        return None if self.bibs is None else [[bib.display, bib.digest] for bib in self.bibs]


HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)  # a page's first level-one heading


def first_heading(body: str) -> str | None:
    match = HEADING.search(body)
    return match[1] if match else None


def cited_in(pages: list[str]) -> str:
    """`` (cited in docs/a.md)``, `` (cited in docs/a.md and 2 other pages)``, or nothing."""
    if not pages:
        return ""
    more = len(pages) - 1
    return f" (cited in {pages[0]}" + (f" and {more} other page{'s' * (more > 1)})" if more else ")")


def page_token(src_uri: str) -> str:
    """A short, readable token of a page for the ids of its citations (unique across excerpts)."""
    return re.sub(r"[^\w-]", "-", Path(src_uri).stem)


def cite_id(src_uri: str, key: str) -> str:
    """The id of a page's first citation of `key`."""
    return f"cite-{page_token(src_uri)}-{anchor_id(key)[4:]}-1"


def strings(value: Any) -> list[str]:
    """A memo's list of strings, or TypeError: a memo is checked as it is read."""
    if not isinstance(value, list):
        raise TypeError(value)
    return [str(item) for item in value]


def string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def decode_read(value: Any) -> tuple:
    """A page's reading as a memo keeps it: its labels, title, declared .bib files and their line."""
    labels, title, declared, line = value
    return ([xref.Label(**label) for label in labels], string(title),
            None if declared is None else strings(declared), None if line is None else int(line))  # fmt: skip


def decode_render(value: Any) -> tuple[str, tuple | None]:
    """A page's rendering as a memo keeps it, and what a post cites (for Google Scholar)."""
    rendered, cited = value
    if cited is not None:
        cited = tuple(tuple((str(name), str(item)) for name, item in ref) for ref in cited)
    return string(rendered), cited
