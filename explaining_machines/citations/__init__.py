"""Citations in Markdown, as Pandoc and Jekyll authors write them: found, checked and rendered.

Pandoc's syntax, as Quarto and MyST authors write it, everywhere outside code:

* ``[@key]``, ``[@a; @b]``, ``[see @a, p. 4; also @b]``: a bracketed citation; each item
  may have a prefix before its key and a locator or suffix after it, with or without a
  comma (``[@a p. 33 and *passim*]``); markup in them is rendered.
* ``[-@key]``: the same, without the author (author-year labels show only the year).
* ``@key says`` and ``@key [p. 30] says``: in-text, "Rudin [3] says" or "Rudin (2019) says".
  A bare ``@word`` counts only when ``word`` is a key of the page: e-mail addresses and
  handles stay text (a word one edit away from a key gets a did-you-mean warning).
* ``\\@key`` and ``\\[@key]`` stay literal text (the backslash disappears, as Markdown does).

Keys start with a letter, digit or ``_`` and may hold Unicode letters and internal
punctuation (``:.#$%&-+?<>~/``); ``@{key}`` allows any key. Jekyll's Liquid tag is read
too: ``{% cite "a", "b" %}``, ``{% cite a -l 12 %}``.

Keys ``fig-…``, ``eq-…`` and ``tbl-…`` are cross-references (`explaining_machines.citations.xref`):
the same syntax, resolved against the site's labels instead of the bibliography.

The modules: `syntax` finds citations, `entries` holds what they point at, `render`
writes them as links and places the reference list; `bibtex` reads and formats .bib
files; `xref` numbers labels; `apparatus` is one build's view of every page's citations
and labels; `citepost` says how to cite a post; `sitepage` is the site-wide References
page. The names most callers need are importable from here.

Imports nothing from MkDocs.
"""

from explaining_machines.citations.entries import Reference, Target, anchor_id, unknown_key_message
from explaining_machines.citations.render import (
    PageCitations,
    bibliography_markers,
    check_bibliography_markers,
    place_reference_list,
    remove_bibliography_markers,
    render_citations,
    render_reference_list,
    unescape_at,
)
from explaining_machines.citations.syntax import (
    KEY,
    Citation,
    CitationError,
    CiteItem,
    NearMiss,
    find_citations,
    near_misses,
)

__all__ = [
    "KEY", "Citation", "CitationError", "CiteItem", "NearMiss", "PageCitations", "Reference", "Target", "anchor_id",
    "bibliography_markers", "check_bibliography_markers", "find_citations", "near_misses", "place_reference_list",
    "remove_bibliography_markers", "render_citations", "render_reference_list", "unescape_at", "unknown_key_message",
]  # fmt: skip
