"""What the templates, link previews and feeds show of a page's front matter: its title,
description and tags, as text everywhere.

MkDocs' Jinja environment has autoescape off, and Material prints a page's title,
description and tags into ``<title>``, ``<meta name="description">``, the header and
the tag list as they are: a ``<script>`` in a description would run. So they are
escaped in ``page.meta`` for the templates, and this hook keeps the plain text of each
page's title and description itself, for the head tags (`explaining_machines.pages.head`)
and, through `explaining_machines.pages.feeds`, for the feeds: an RSS ``<description>``
and a JSON feed's ``content_html`` are HTML and take the escaped description; titles and
categories are plain text.

Events:

* ``on_page_markdown`` (first, before Material's tags plugin stores them) escapes the tags.
* ``on_page_content`` at -70 (before the RSS plugin, -75, takes them) gives a page
  without a description the first paragraph of its content, keeps the plain title and
  description, and escapes them in ``page.meta``.
* ``on_post_page`` adds the Open Graph and Twitter tags to the finished HTML, from the
  plain texts, escaped once there, with the first computed figure's PNG as the image
  (noted for the feeds). A page is a post when Material's blog made it one.
* ``on_post_build`` (-100, after the RSS plugin wrote the feeds) turns titles and tags
  back into plain text in every feed, gives each post's item its image, and drops the
  build's state.
"""

from __future__ import annotations

import html
from pathlib import Path

from material.plugins.blog.structure import Post
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from explaining_machines.pages import feeds, head

PRINTED_RAW = ("title", "description")
_plain: dict[str, dict[str, str]] = {}  # page src_uri -> plain title and description, for this build
_images: dict[str, str] = {}  # post URL -> its first figure's image URL, for the feeds


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
    kept = _plain[page.file.src_uri] = {}
    for key in PRINTED_RAW:
        if isinstance(page.meta.get(key), str):
            kept[key] = page.meta[key]
            page.meta[key] = html.escape(page.meta[key], quote=True)
    return output


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    plain = _plain.get(page.file.src_uri, {})
    date = page.meta.get("date")
    created = date.get("created") if isinstance(date, dict) else date
    image = head.first_figure(output, page.canonical_url or "")
    if image is not None and isinstance(page, Post):
        _images[page.canonical_url] = image.url
    tags = head.open_graph(
        title=plain.get("title") or html.unescape(page.title or "") or config.site_name,
        description=plain.get("description") or config.site_description or "",
        url=page.canonical_url or "",
        site_name=config.site_name,
        is_post=isinstance(page, Post),
        published=str(created) if created else None,
        image=image,
    )
    return head.insert_into_head(output, tags)


@event_priority(-100)  # after the RSS plugin has written the feeds
def on_post_build(config: MkDocsConfig) -> None:
    feeds.plain_titles(Path(config.site_dir))
    feeds.add_images(Path(config.site_dir), _images, config.site_url or "")
    on_build_error(None)  # mkdocs serve keeps this module: the next build starts afresh


def on_build_error(error: Exception | None, **_) -> None:
    _plain.clear()
    _images.clear()
