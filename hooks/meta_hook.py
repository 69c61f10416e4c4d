"""Tags in each page's ``<head>`` that describe it to link previews (Open Graph, Twitter).

Events: ``on_post_page`` adds them to the finished HTML. The title and description
were escaped for the templates by ``escape_hook`` (``on_page_content``); they are
unescaped here and escaped again by `explaining_machines.pages.head`, exactly once.
A page is a post when Material's blog made it one.
"""

from __future__ import annotations

import html

from material.plugins.blog.structure import Post
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from explaining_machines.pages import head


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    title, description = (page.meta.get(key) for key in ("title", "description"))
    date = page.meta.get("date")
    created = date.get("created") if isinstance(date, dict) else date
    tags = head.open_graph(
        title=_plain(title) or html.unescape(page.title or "") or config.site_name,
        description=_plain(description) or config.site_description or "",
        url=page.canonical_url or "",
        site_name=config.site_name,
        is_post=isinstance(page, Post),
        published=str(created) if created else None,
    )
    return head.insert_into_head(output, tags)


def _plain(value: object) -> str:
    return html.unescape(value) if isinstance(value, str) else ""
