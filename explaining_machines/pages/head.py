"""Tags for a page's ``<head>``: Open Graph and Twitter cards, so shared links get a preview.

A page with a computed figure gives its first figure's light PNG as the preview's image
(`first_figure`): the PNG is what every place without script shows, link previews and
feed readers among them (an interactive view is for the page itself).

Every value is HTML-escaped here, once; callers pass plain text. Imports nothing
from MkDocs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin

_FIGURE = re.compile(r'<figure class="computed-figure"[^>]*>(?P<inside>.*?)</figure>', re.DOTALL)
_IMG = re.compile(r"<img\s[^>]*>")
_ATTRIBUTE = re.compile(r'(?P<name>[a-z-]+)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class Image:
    """A page's preview image: its absolute URL, size and text alternative."""

    url: str
    width: str = ""
    height: str = ""
    alt: str = ""


def first_figure(page_html: str, page_url: str) -> Image | None:
    """The light image of the first computed figure in `page_html`, its URL made absolute from `page_url`."""
    figure = _FIGURE.search(page_html)
    if figure is None or not page_url:
        return None
    for tag in _IMG.findall(figure["inside"]):
        attributes = {m["name"]: html.unescape(m["value"]) for m in _ATTRIBUTE.finditer(tag)}
        src = attributes.get("src", "")
        if src.endswith("#only-light"):
            return Image(urljoin(page_url, src.removesuffix("#only-light")), attributes.get("width", ""),
                         attributes.get("height", ""), attributes.get("alt", ""))  # fmt: skip
    return None


def open_graph(
    *,
    title: str,
    description: str,
    url: str,
    site_name: str,
    is_post: bool,
    published: str | None = None,
    image: Image | None = None,
) -> list[str]:
    """The ``<meta>`` tags that describe a page to link previews (empty values left out)."""
    tags = {
        "og:type": "article" if is_post else "website",
        "og:site_name": site_name,
        "og:title": title,
        "og:description": " ".join(description.split()),
        "og:url": url,
        "og:locale": "en_US",
        "twitter:card": "summary_large_image" if image else "summary",
    }
    if image:
        tags |= {"og:image": image.url, "og:image:type": "image/png", "og:image:width": image.width,
                 "og:image:height": image.height, "og:image:alt": image.alt,
                 "twitter:image": image.url, "twitter:image:alt": image.alt}  # fmt: skip
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
