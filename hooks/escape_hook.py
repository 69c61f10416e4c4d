"""Escape the front-matter text that Material's templates print as markup.

MkDocs' Jinja environment has autoescape off, and Material prints a page's title,
description and tags into ``<title>``, ``<meta name="description">``, the header
and the tag list as they are: a ``<script>`` in a description would run.

Events:

* ``on_page_markdown`` (first, before Material's tags plugin stores them) escapes the tags.
* ``on_page_content`` (after the RSS plugin, priority -75, took the plain text, which
  it escapes for XML itself) escapes the title and description, once, for every
  template that prints them. Later hooks that need the plain text unescape it.
"""

from __future__ import annotations

import html

from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

PRINTED_RAW = ("title", "description")


@event_priority(100)
def on_page_markdown(markdown: str, page: Page, **_) -> str:
    if isinstance(page.meta.get("tags"), list):
        page.meta["tags"] = [html.escape(tag, quote=True) if isinstance(tag, str) else tag for tag in page.meta["tags"]]
    return markdown


@event_priority(-80)
def on_page_content(output: str, page: Page, **_) -> str:
    for key in PRINTED_RAW:
        if isinstance(page.meta.get(key), str):
            page.meta[key] = html.escape(page.meta[key], quote=True)
    return output
