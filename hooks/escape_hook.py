"""Front-matter text shown as text everywhere: in pages and in the RSS and JSON feeds.

MkDocs' Jinja environment has autoescape off, and Material prints a page's title,
description and tags into ``<title>``, ``<meta name="description">``, the header and
the tag list as they are: a ``<script>`` in a description would run. The feeds need
each value in the form their format defines: an RSS ``<description>`` and a JSON
feed's ``content_html`` are HTML, so a description must be escaped before the RSS
plugin takes it; titles and categories are plain text, so they must reach it unescaped.

Events:

* ``on_page_markdown`` (first, before Material's tags plugin stores them) escapes the tags.
* ``on_page_content`` at -70 (before the RSS plugin, -75, takes them) gives a page
  without a description the first paragraph of its content, and escapes the title and
  the description.
* ``on_post_build`` (after the RSS plugin wrote the feeds) turns titles and tags back
  into plain text in both feeds: that escaping was for Material's templates only.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from explaining_machines.pages import head

PRINTED_RAW = ("title", "description")
_ITEM = re.compile(r"<item>.*?</item>", re.DOTALL)
_PLAIN_TEXT = re.compile(r"<(?P<tag>title|category)>(?P<text>[^<]*)</(?P=tag)>")  # plain text in RSS


@event_priority(100)
def on_page_markdown(markdown: str, page: Page, **_) -> str:
    if isinstance(page.meta.get("tags"), list):
        page.meta["tags"] = [html.escape(tag, quote=True) if isinstance(tag, str) else tag for tag in page.meta["tags"]]
    return markdown


@event_priority(-70)  # before the RSS plugin (-75) takes the description
def on_page_content(output: str, page: Page, **_) -> str:
    if not isinstance(page.meta.get("description"), str):
        # Without one, the RSS plugin would take the start of the page's Markdown, our markup in it.
        page.meta["description"] = head.summary(output)
    for key in PRINTED_RAW:
        if isinstance(page.meta.get(key), str):
            page.meta[key] = html.escape(page.meta[key], quote=True)
    return output


@event_priority(-100)  # after the RSS plugin has written the feeds
def on_post_build(config: MkDocsConfig) -> None:
    """Titles and tags are plain text in the feeds: undo the escaping that was for the pages."""
    site = Path(config.site_dir)
    for feed in site.glob("feed_json_*.json"):
        data = json.loads(feed.read_text(encoding="utf-8"))
        for item in data.get("items", []):
            item["title"] = html.unescape(item.get("title") or "")
            item["tags"] = [html.unescape(tag) for tag in item.get("tags") or []]
        feed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    for feed in site.glob("feed_rss_*.xml"):
        text = _ITEM.sub(lambda item: _PLAIN_TEXT.sub(_plain, item.group()), feed.read_text(encoding="utf-8"))
        feed.write_text(text, encoding="utf-8")


def _plain(match: re.Match[str]) -> str:
    # The XML holds our HTML escaping, escaped again for XML: undo both, escape for XML once.
    return f"<{match['tag']}>{xml_escape(html.unescape(html.unescape(match['text'])))}</{match['tag']}>"
