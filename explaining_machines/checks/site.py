"""One build's checks of its finished pages, as one object: the policy each page carries, and the link check.

Every page MkDocs renders is read once, when its Content-Security-Policy is computed
(`SiteChecks.protect`): the inline code the policy must hash or block, and in the same
parse the page's links and ids. What a page holds is kept by the digest of its text as it
will be written, so the link check (`SiteChecks.broken_links`), which runs once the site
is written, parses only the files no such pass read (404.html, HTML copied from docs/).
A page whose HTML is the same as in the last build is not parsed at all (`PageReads`).
The hooks hold one `SiteChecks` per build and drop it after; nothing here is global.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import sys

from explaining_machines import memo
from explaining_machines.checks import csp, linkcheck
from explaining_machines.checks.pagereads import PageReads
from explaining_machines.pages import urls


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class SiteChecks:
    """What one build's reads of its finished pages found, for the policy and the link check."""

    def __init__(self, reads: PageReads | None = None, links: memo.Memo | None = None) -> None:
        """`reads` keeps what reading each page found, `links` each page's broken links, between builds."""
        self.reads = reads
        self.links = links
        self._parsed: dict[bytes, linkcheck.ParsedPage] = {}
        # What the last build of this process read of its pages (mkdocs serve), by digest.
        self.kept: dict[bytes, linkcheck.ParsedPage] = {}

    def protect(self, page_html: str) -> tuple[str, list[str]]:
        """`page_html` with its policy, and the inline code the policy stops (one line each).

        The links and ids of the page as it will be written are kept for `broken_links`.
        """
        known = self.reads.get(page_html) if self.reads is not None else None
        if known is None:
            links = linkcheck.LinkReader()  # read in the same parse as the inline code
            protected, inline = csp.protect(page_html, links)
            parsed = links.parsed(csp.moved_down_from(protected))
            if self.reads is not None:
                self.reads.put(page_html, inline, parsed)
        else:
            inline, parsed = known
            protected, _ = csp.protect(page_html, found=inline)
        self._parsed[_digest(protected)] = parsed
        return protected, list(inline.blocked())

    def read(self, page_html: str) -> None:
        """Keep the links and ids of `page_html`, written as it is (``mkdocs serve`` adds no
        policy), for `broken_links`: from what the serve's last build read, or read now."""
        digest = _digest(page_html)
        found = self.kept.get(digest)
        self._parsed[digest] = found if found is not None else linkcheck.parse(page_html)

    def pages_read(self) -> dict[bytes, linkcheck.ParsedPage]:
        """What this build read of its pages, by the digest of each page as written."""
        return dict(self._parsed)

    def parsed(self, text: str) -> linkcheck.ParsedPage:
        """The links and ids of the page `text`: as read in this build or the last of this
        process (a page written after ``on_post_page``, such as 404.html), else read now."""
        digest = _digest(text)
        found = self._parsed.get(digest) or self.kept.get(digest)
        if found is None:
            found = linkcheck.parse(text)
        self._parsed[digest] = found
        return found

    def broken_links(self, folder: str | os.PathLike[str], base: str) -> list[linkcheck.BrokenLink]:
        """Every broken local link of the site written to `folder`, served under the path `base`.

        A page whose links are those of the last build, and whose check consulted files and
        ids that are all still as they were, is not checked again (`links`).
        """
        site = linkcheck.Site(folder, base, known=self.parsed)
        broken = []
        for name in site.html_files():
            if self.links is None:
                broken += site.check([name])
                continue
            links = [[link.url, link.line, link.tag, link.attribute] for link in site.page(name).links]
            key = self.links.key(name, base, links)
            kept = _kept(self.links.get(key))
            if kept is not None and site.still(kept[1]):
                broken += kept[0]
                continue
            found, depends = site.traced(name)
            self.links.put(key, {"broken": [dataclasses.asdict(b) for b in found], "depends": depends})
            broken += found
        return broken


def links_memo(path) -> memo.Memo:
    """The memo of each page's broken links, keyed by the code that checks them."""
    return memo.Memo(path, memo.code_digest((linkcheck, urls, sys.modules[__name__])))


def _kept(found: object) -> tuple[list[linkcheck.BrokenLink], dict[str, dict]] | None:
    """A memo's check of one page, checked for its shape: (broken links, what they depended on), or None."""
    try:
        broken = [linkcheck.BrokenLink(**item) for item in found["broken"]]
        depends = found["depends"]
        files = {str(name): bool(exists) for name, exists in depends["files"].items()}
        ids = {str(name): str(digest) for name, digest in depends["ids"].items()}
        return broken, {"files": files, "ids": ids}
    except (TypeError, KeyError, AttributeError):
        return None
