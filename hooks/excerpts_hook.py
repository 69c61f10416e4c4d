"""Excerpts of posts on the blog's index, archive and category pages, rendered afresh for each.

Events:

* ``on_page_context`` (before Material's blog renders a view's excerpts, priority -100)
  resets the Markdown instance of every post's excerpt. Material keeps one instance per
  excerpt for all views and never resets it, so the second view that shows a post whose
  excerpt holds footnotes numbers their back-references ``fnref2:1``, which the post does
  not have: a broken link on the archive page.
* ``on_post_page`` numbers the ids that two excerpts on one view share
  (`explaining_machines.pages.ids`).
"""

from __future__ import annotations

from material.plugins.blog.structure import View
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

from explaining_machines.pages import ids


@event_priority(-90)
def on_page_context(context, page, config: MkDocsConfig, nav):
    blog = config.plugins.get("material/blog")
    for post in getattr(getattr(blog, "blog", None), "posts", []):
        excerpt = getattr(post, "excerpt", None)
        if excerpt is not None:
            excerpt.md.reset()
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return ids.make_unique(output) if isinstance(page, View) else output
