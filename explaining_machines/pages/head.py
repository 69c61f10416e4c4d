"""Tags for a page's ``<head>``: Open Graph and Twitter cards, so shared links get a preview.

Every value is HTML-escaped here, once; callers pass plain text. Imports nothing
from MkDocs.
"""

from __future__ import annotations

import html
import re


def open_graph(
    *, title: str, description: str, url: str, site_name: str, is_post: bool, published: str | None = None
) -> list[str]:
    """The ``<meta>`` tags that describe a page to link previews (empty values left out)."""
    tags = {
        "og:type": "article" if is_post else "website",
        "og:site_name": site_name,
        "og:title": title,
        "og:description": " ".join(description.split()),
        "og:url": url,
        "og:locale": "en_US",
        "twitter:card": "summary",
    }
    if is_post and published:
        tags["article:published_time"] = published
    lines = []
    for name, value in tags.items():
        if value:
            attr = "name" if name.startswith("twitter:") else "property"
            lines.append(f'<meta {attr}="{name}" content="{html.escape(value, quote=True)}">')
    return lines


def insert_into_head(page_html: str, lines: list[str]) -> str:
    """`page_html` with `lines` added at the end of its ``<head>``."""
    if not lines:
        return page_html
    block = "".join(f"    {line}\n" for line in lines)
    return page_html.replace("</head>", f"{block}  </head>", 1)


_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def summary(page_html: str, limit: int = 300) -> str:
    """The first paragraph of a page's content as plain text, cut at a word near `limit` characters.

    For a page whose front matter gives no description: the feeds would otherwise show
    the start of its Markdown, with the build's own markup in it.
    """
    for match in _PARAGRAPH.finditer(page_html):
        text = " ".join(html.unescape(_TAG.sub("", match[1])).split())
        if text:
            return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"
    return ""
