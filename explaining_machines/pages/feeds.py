"""The site's RSS and JSON feeds (written by mkdocs-rss-plugin) with titles and tags as plain text.

The feeds take a page's title, description and tags from its front matter after the
build has escaped them for Material's templates, which print them as they are. A feed's
item description is HTML and wants that escaping; its titles and categories are plain
text and do not: `plain_titles` undoes it there, in every feed file of a built site.
`add_images` gives each post's item its first figure's PNG (`explaining_machines.pages.head`),
which the RSS plugin leaves out: an RSS ``<enclosure>`` and a JSON Feed ``image``.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

_ITEM = re.compile(r"<item>.*?</item>", re.DOTALL)
_PLAIN_TEXT = re.compile(r"<(?P<tag>title|category)>(?P<text>[^<]*)</(?P=tag)>")  # plain text in RSS


def json_feed(text: str) -> str:
    """A JSON feed with its items' titles and tags unescaped."""
    data = json.loads(text)
    for item in data.get("items", []):
        item["title"] = html.unescape(item.get("title") or "")
        item["tags"] = [html.unescape(tag) for tag in item.get("tags") or []]
    return json.dumps(data, ensure_ascii=False)


def rss_feed(text: str) -> str:
    """An RSS feed with its items' titles and categories unescaped (and escaped for XML once)."""
    return _ITEM.sub(lambda item: _PLAIN_TEXT.sub(_plain, item.group()), text)


def _plain(match: re.Match[str]) -> str:
    # The XML holds our HTML escaping, escaped again for XML: undo both, escape for XML once.
    return f"<{match['tag']}>{xml_escape(html.unescape(html.unescape(match['text'])))}</{match['tag']}>"


def plain_titles(site: Path) -> None:
    """Rewrite every feed of the built site in `site` with plain-text titles and tags."""
    for feed in site.glob("feed_json_*.json"):
        feed.write_text(json_feed(feed.read_text(encoding="utf-8")), encoding="utf-8")
    for feed in site.glob("feed_rss_*.xml"):
        feed.write_text(rss_feed(feed.read_text(encoding="utf-8")), encoding="utf-8")


_LINK = re.compile(r"<link>(?P<url>[^<]*)</link>")


def add_images(site: Path, images: dict[str, str], site_url: str) -> None:
    """Give every feed item whose page is a key of `images` (page URL -> image URL) its image.

    RSS wants the enclosure's length in bytes: the image's file in `site`, found from its
    URL under `site_url`; an image not found there gets no enclosure.
    """

    def length(url: str) -> int | None:
        if not site_url or not url.startswith(site_url):
            return None
        path = site / url[len(site_url) :]
        return path.stat().st_size if path.is_file() else None

    for feed in site.glob("feed_json_*.json"):
        data = json.loads(feed.read_text(encoding="utf-8"))
        for item in data.get("items", []):
            if item.get("url") in images:
                item["image"] = images[item["url"]]
        feed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def enclose(item: re.Match[str]) -> str:
        text = item.group()
        link = _LINK.search(text)
        image = images.get(html.unescape(link["url"])) if link else None
        size = length(image) if image else None
        if size is None or "<enclosure " in text:
            return text
        enclosure = f'<enclosure url="{xml_escape(image, {chr(34): "&quot;"})}" length="{size}" type="image/png" />'
        return text.removesuffix("</item>") + enclosure + " </item>"

    for feed in site.glob("feed_rss_*.xml"):
        feed.write_text(_ITEM.sub(enclose, feed.read_text(encoding="utf-8")), encoding="utf-8")
