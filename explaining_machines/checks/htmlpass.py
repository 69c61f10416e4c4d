"""One pass of the standard library's `html.parser` over a page, for several readers at once.

Every built page is read twice after it is rendered: for its inline code, which the
Content-Security-Policy must hash or block (`explaining_machines.checks.csp`), and for its links
and ids, which the link check resolves (`explaining_machines.checks.linkcheck`). Parsing is
nearly all that either costs, so both read the page in the same pass. A reader is a
`Reader` that overrides what it needs. Imports nothing from MkDocs.

Why not lxml, which parses these pages 2.5 times as fast (0.14 s against 0.35 s for the
29 pages of this site) and gives each element its `sourceline`: libxml2's HTML parser is
an HTML 4 parser. It reads ``<script/>alert(1)</script>`` as an empty script and drops the
text, where a browser ignores the slash and runs ``alert(1)`` (the policy would miss the
inline script it must report), and its line numbers stop at 65,535, so a message about a
link further down a long page would name the wrong line. A warm build reads no unchanged
page at all (`pagereads`), so the parser's speed counts only for pages that changed.
"""

from __future__ import annotations

from html.parser import HTMLParser


class Reader:
    """Receives a page's tags and text in document order; each method does nothing by default."""

    def starttag(self, tag: str, attrs: list[tuple[str, str | None]], line: int) -> None:
        """A start tag (also ``<x/>``, whose slash a browser ignores), at `line` of the page."""

    def data(self, text: str) -> None:
        """Text, character references decoded; the text of ``<script>`` and ``<style>`` as written."""

    def endtag(self, tag: str) -> None:
        """An end tag."""


class _Pass(HTMLParser):
    def __init__(self, readers: tuple[Reader, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.readers = readers

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for reader in self.readers:
            reader.starttag(tag, attrs, line)

    # A browser ignores the slash of <script/>: what follows, up to </script>, is its text.
    # html.parser does not read that text as raw, but it reaches `data` all the same.
    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        for reader in self.readers:
            reader.data(data)

    def handle_endtag(self, tag: str) -> None:
        for reader in self.readers:
            reader.endtag(tag)


def read(page_html: str, *readers: Reader) -> None:
    """Feed `page_html` to every reader, in one parse."""
    parser = _Pass(readers)
    parser.feed(page_html)
    parser.close()
