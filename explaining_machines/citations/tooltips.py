"""The tooltip of a reference to another page's figure: its caption as that page shows it.

A figure's caption may hold ``{% value %}`` tags and citations, which only the figure's
own page renders (the figures hook fills in the numbers, the citations become links). A
reference from another page is written before that page may be rendered, so it carries a
placeholder title (`placeholder`); once every page is HTML, `Captions` has read each
figure's caption as text from its page (`read`) and `fill` puts it in place of the
placeholder in every finished page that shows such a reference, blog excerpts included.
A caption that is not known (the figure's page failed to render) leaves no title. Imports
nothing from MkDocs.
"""

from __future__ import annotations

import html
import re

_MARK = "\ue000xref-caption:"  # private-use characters: no text of a page holds them
_END = "\ue001"
_PLACEHOLDER = re.compile(r' title="\ue000xref-caption:([^"\ue001]+)\ue001"')
_FIGURE = re.compile(r'<figure\b[^>]*\bid="(?P<id>fig-[^"]+)"[^>]*>.*?<figcaption\b[^>]*>(?P<caption>.*?)</figcaption>',
                     re.DOTALL)  # fmt: skip
_NUMBER = re.compile(r'<span class="figure-number">[^<]*</span>\s*')
_TAG = re.compile(r"<[^>]+>")
_NOTE = re.compile(r"<sup\b[^>]*>.*?</sup>", re.DOTALL)  # footnote marks: no text of the caption


def placeholder(label: str) -> str:
    """The title a reference to the figure `label` of another page carries until `fill`."""
    return f"{_MARK}{label}{_END}"


def title(label, same_page: bool) -> str:
    """A reference's title as the page's Markdown first writes it: none for an equation (its
    TeX is no tooltip; the preview renders it), a placeholder for another page's figure, the
    caption as text for a table."""
    if label.kind == "eq":
        return ""
    if label.kind == "fig" and not same_page:
        return placeholder(label.name)
    return label.caption


class Captions:
    """The captions of one build's figures, as text, by label."""

    def __init__(self) -> None:
        self.text: dict[str, str] = {}

    def read(self, page_html: str) -> None:
        """Keep the caption text of each figure of a rendered page."""
        if "<figcaption" not in page_html:
            return
        for figure in _FIGURE.finditer(page_html):
            caption = _TAG.sub("", _NOTE.sub("", _NUMBER.sub("", figure["caption"], count=1)))
            self.text[figure["id"]] = " ".join(html.unescape(caption).split())

    def fill(self, page_html: str) -> str:
        """`page_html` with each placeholder title replaced by its caption (none if unknown)."""
        if _MARK not in page_html:
            return page_html

        def title(match: re.Match[str]) -> str:
            caption = self.text.get(html.unescape(match[1]))
            return f' title="{html.escape(caption)}"' if caption else ""

        return _PLACEHOLDER.sub(title, page_html)
