"""What reading a finished page found, kept from one build to the next by the page's digest.

Every page a build writes is read once, for the inline code its Content-Security-Policy
must hash (`explaining_machines.checks.csp`) and for the links and ids the link check resolves
(`explaining_machines.checks.linkcheck`). A warm build renders most pages exactly as the build
before it did, and reading them again would find the same: `PageReads` keeps, for each
page read in the last build, the digest of its HTML and what the read found, in one JSON
file in the cache folder. The digest covers the page's HTML and the source of the code
that reads it, so changing that code reads every page afresh; a checksum covers the
file, so a damaged byte cannot change a page's policy. A file that cannot be used is set
aside with a reason: every page is read again, and the file is rewritten at the
end of the build with this build's pages only. Imports nothing from MkDocs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

from explaining_machines.checks import csp, htmlpass, linkcheck
from explaining_machines.files import write_json_atomic

FORMAT = 1


def _code_digest() -> str:
    """A digest of the modules whose reading the file keeps: what they find depends on them."""
    digest = hashlib.blake2b(f"format {FORMAT}".encode(), digest_size=16)
    for module in (htmlpass, csp, linkcheck):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


class PageReads:
    """The reads of one build's pages, and those of the build before."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.code = _code_digest()
        self._before: dict[str, Any] = {}
        self._now: dict[str, Any] = {}

    def load(self) -> str | None:
        """Read the last build's file; returns why it cannot be used, or None (also when there is none)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            return f"cannot be read ({error.__class__.__name__}); every page is read again"
        if not isinstance(data, dict) or not isinstance(data.get("pages"), dict):
            return "is not a file of page reads; every page is read again"
        if data.get("sum") != _checksum(data["pages"]):  # a changed byte must not change a policy
            return "does not match its checksum; every page is read again"
        if data.get("code") == self.code:  # else the reading code changed: nothing in it applies
            self._before = data["pages"]
        return None

    def _key(self, page_html: str) -> str:
        text = page_html.encode("utf-8", "surrogatepass")
        return hashlib.blake2b(text, digest_size=20, key=bytes.fromhex(self.code)).hexdigest()

    def get(self, page_html: str) -> tuple[csp.Inline, linkcheck.ParsedPage] | None:
        """What reading `page_html` found in the last build (or this one), or None."""
        key = self._key(page_html)
        found = self._now.get(key) or self._before.get(key)
        if found is None:
            return None
        try:
            inline = csp.Inline(**{name: [str(item) for item in found["inline"][name]]
                                   for name in _INLINE_FIELDS})  # fmt: skip
            links = tuple(linkcheck.Link(str(url), int(line), str(tag), str(name))
                          for url, line, tag, name in found["links"])  # fmt: skip
            parsed = linkcheck.ParsedPage(links, frozenset(str(i) for i in found["ids"]))
        except (KeyError, TypeError, ValueError):
            return None  # a damaged entry: the page is read again
        self._now[key] = found
        return inline, parsed

    def put(self, page_html: str, inline: csp.Inline, parsed: linkcheck.ParsedPage) -> None:
        """Keep what reading `page_html` found."""
        self._now[self._key(page_html)] = {
            "inline": dataclasses.asdict(inline),
            "links": [[link.url, link.line, link.tag, link.attribute] for link in parsed.links],
            "ids": sorted(parsed.ids),
        }

    def save(self) -> None:
        """Write this build's reads (only this build's: the file never grows past one site)."""
        write_json_atomic(self.path, {"code": self.code, "sum": _checksum(self._now), "pages": self._now}, indent=None)


def _checksum(pages: dict[str, Any]) -> str:
    canonical = json.dumps(pages, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.blake2b(canonical, digest_size=20).hexdigest()


_INLINE_FIELDS = tuple(field.name for field in dataclasses.fields(csp.Inline))
