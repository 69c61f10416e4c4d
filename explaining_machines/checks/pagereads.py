"""What reading a finished page found, kept from one build to the next by the page's digest.

Every page a build writes is read once, for the inline code its Content-Security-Policy
must hash (`explaining_machines.checks.csp`) and for the links and ids the link check resolves
(`explaining_machines.checks.linkcheck`). A warm build renders most pages exactly as the build
before it did, and reading them again would find the same: `PageReads` keeps, for each
page read in the last build, the digest of its HTML and what the read found, in one JSON
file in the cache folder (a `explaining_machines.memo.Memo`). The key covers the page's
HTML and the source of the code that reads it, so changing that code reads every page
afresh; a checksum covers the file, so a damaged byte cannot change a page's policy. A
file that cannot be used is set aside with a reason: every page is read again, and the
file is rewritten at the end of the build with this build's pages only. Imports nothing from MkDocs.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from explaining_machines import memo
from explaining_machines.checks import csp, htmlpass, linkcheck

_INLINE_FIELDS = tuple(field.name for field in dataclasses.fields(csp.Inline))


class PageReads:
    """The reads of one build's pages, and those of the build before (a `memo.Memo`)."""

    def __init__(self, path: Path) -> None:
        self.memo = memo.Memo(path, memo.code_digest((htmlpass, csp, linkcheck)))
        self.path = path

    def load(self) -> str | None:
        """Read the last build's file; returns why it cannot be used, or None (also when there is none)."""
        return self.memo.load()

    def get(self, page_html: str) -> tuple[csp.Inline, linkcheck.ParsedPage] | None:
        """What reading `page_html` found in the last build (or this one), or None."""
        key = self.memo.key(page_html)
        found = self.memo.get(key)
        if found is None:
            return None
        try:
            inline = csp.Inline(**{name: [str(item) for item in found["inline"][name]]
                                   for name in _INLINE_FIELDS})  # fmt: skip
            links = tuple(linkcheck.Link(str(url), int(line), str(tag), str(name))
                          for url, line, tag, name in found["links"])  # fmt: skip
            parsed = linkcheck.ParsedPage(links, frozenset(str(i) for i in found["ids"]))
        except (KeyError, TypeError, ValueError):
            self.memo.forget(key)  # a damaged entry: the page is read again
            return None
        return inline, parsed

    def put(self, page_html: str, inline: csp.Inline, parsed: linkcheck.ParsedPage) -> None:
        """Keep what reading `page_html` found."""
        self.memo.put(self.memo.key(page_html), {
            "inline": dataclasses.asdict(inline),
            "links": [[link.url, link.line, link.tag, link.attribute] for link in parsed.links],
            "ids": sorted(parsed.ids),
        })  # fmt: skip

    def save(self) -> None:
        """Write this build's reads (only this build's: the file never grows past one site)."""
        self.memo.save()
