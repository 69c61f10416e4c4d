"""A page's title and description hold text only: no tag, citation or cross-reference.

The title (the front matter's, else the page's first heading) and the description travel
where no Markdown is rendered: the post's URL slug, the head tags, "Cite this post" and
its BibTeX entry, the feeds and the search index. A ``{% value %}``, a citation or a
reference there would reach all of them raw, while the page's own heading showed it
rendered. So each is an error with its line, saying to write the text itself. Imports
nothing from MkDocs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from explaining_machines.citations.syntax import Citation, CitationError
from explaining_machines.source import frontmatter, mdscan

# Text that reads as a citation or a reference wherever it stands, whatever the keys.
_CITED = re.compile(r"\[[^\[\]]*-?@[^\[\]]*\]|(?<![\w@\\])@(?:fig|eq|tbl)-\w")


def _problem(text: str) -> str | None:
    if any(tag.name != "raw" and tag.name != "endraw" for tag in mdscan.scan(text).tags):
        return "a tag"
    if _CITED.search(text):
        return "a citation or a cross-reference"
    return None


def check_meta(meta: Mapping[str, Any], raw: str) -> None:
    """`CitationError` at the line of a front-matter title or description that holds a tag,
    a citation or a reference."""
    for key in ("title", "description"):
        value = meta.get(key)
        found = _problem(value) if isinstance(value, str) else None
        if found:
            message = (
                f"the {key} holds {found}, which would reach the page's address, head tags, feeds and citation raw"
            )
            raise CitationError(frontmatter.key_line(raw, key) or 1, message + "; write the text itself")


def check_heading(citations: Sequence[Citation], body: str, first_line: int, title: str) -> None:
    """`CitationError` when a citation or reference stands in the page's first heading while
    that heading is its `title` (a page without a front-matter title)."""
    from explaining_machines.citations import pageinfo, xref

    heading = pageinfo.HEADING.search(body)
    if heading is None or xref.plain(heading[1]) != title:
        return
    line = first_line + body.count("\n", 0, heading.start())
    if any(heading.start() <= c.start < heading.end() for c in citations) or _problem(heading[1]):
        message = "the page's first heading is its title, which would reach its address, head tags, feeds and citation"
        raise CitationError(line, message + " raw: write it without tags, citations or references")
