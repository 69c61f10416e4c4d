"""Excerpts of posts on the blog's index, archive and category pages: right on every view,
and converted once (`explaining_machines.pages.excerpts`).

Events:

* ``on_config`` loads the excerpts converted by the last build (a memo in the cache folder).
* ``on_nav`` (last, once every plugin has added its files, Material's blog its posts' URLs
  and every Markdown extension is there) notes the URL of every page, on which the
  excerpts' links depend, and the Markdown settings that convert them.
* ``on_page_context`` (before Material's blog renders a view's excerpts, priority -90)
  has the Markdown instance of each excerpt reset before each conversion. Material keeps
  one instance per excerpt for all views and never resets it, so the second view that
  shows a post whose excerpt holds footnotes numbers their back-references ``fnref2:1``,
  which the post does not have: a broken link on the archive page. It also has each
  excerpt converted through the memo: Material 9.8 converts the whole post again for every
  view that shows it.
* ``on_post_page`` numbers the ids that two excerpts on one view share
  (`explaining_machines.pages.ids`).
* ``on_post_build`` saves the memo; ``on_build_error`` drops it.
"""

from __future__ import annotations

import sys

from material.plugins.blog.structure import View
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from explaining_machines import mathml, memo
from explaining_machines.computed import tags
from explaining_machines.pages import conversions, excerpts, ids
from explaining_machines.source import mdscan, snippets

log = get_plugin_logger("excerpts")
_state: dict = {"store": None, "memo": None}


def on_config(config: MkDocsConfig) -> None:
    own = (tags, mathml.render, mathml.tex, mathml.output, excerpts, snippets, mdscan, sys.modules[__name__])
    code = conversions.code(own)  # with this hook: how an excerpt is reset and converted
    store = _state["store"] = memo.Memo(config.extra["project"].cache_path / "memo" / "excerpts.json", code)
    problem = store.load()
    if problem:
        log.info("%s %s", store.path, problem)


@event_priority(-100)  # as conversions_hook: after every plugin's files and Markdown extensions
def on_nav(nav, config: MkDocsConfig, files: Files):
    validation = {name: dict(levels) for name, levels in config.validation.items()}
    shaping = conversions.describe(
        config.markdown_extensions, config.mdx_configs, validation, config.site_url, config.use_directory_urls,
        conversions.verbosity(),
    )  # fmt: skip
    urls = ((f.src_uri, f.url, f.inclusion.name) for f in files)
    site = excerpts.site_digest(urls, shaping) if shaping is not None else None
    blog = config.plugins.get("material/blog")
    separator = blog.config.post_excerpt_separator if blog is not None else "<!-- more -->"
    includes = conversions.includes(config.markdown_extensions, config.mdx_configs)
    _state["memo"] = excerpts.ExcerptMemo(_state["store"], site, separator, includes)
    return nav


@event_priority(-90)
def on_page_context(context, page, config: MkDocsConfig, nav):
    if isinstance(page, View):
        for post in page.posts:
            excerpt = getattr(post, "excerpt", None)
            if excerpt is not None and not hasattr(excerpt.md, "_convert_unmemoised"):
                _memoise(excerpt)
    return context


def _memoise(excerpt) -> None:
    """Route `excerpt`'s conversions through the memo, once per excerpt; its Markdown
    instance is reset and run only when the memo has no conversion."""
    md = excerpt.md
    md._convert_unmemoised = own = md.convert

    def fresh(text: str) -> str:
        md.reset()
        return own(text)

    md.convert = lambda text: _state["memo"].convert(fresh, md, text, excerpt.file.url, excerpt.post.url)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return ids.make_unique(output) if isinstance(page, View) else output


def on_post_build(config: MkDocsConfig) -> None:
    store, _state["store"], _state["memo"] = _state["store"], None, None
    try:
        store.save()
    except OSError as error:  # the next build converts the excerpts again; the site is right
        log.info("%s: not saved (%s)", store.path, error.strerror or error)


def on_build_error(error: Exception, **_) -> None:
    _state["store"], _state["memo"] = None, None
