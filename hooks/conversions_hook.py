"""A page whose conversion's inputs did not change since the last build reuses that
conversion instead of running Python-Markdown again, and its search entries instead of
Material's search parsing its HTML again: in `mkdocs build` and in every rebuild of
`mkdocs serve`.

The work is `explaining_machines.pages.conversions`, whose memos live in the cache folder
(``memo/conversions.json``, ``memo/search.json``); this hook hands it MkDocs' pages.

Events:

* ``on_config`` loads the conversions memo.
* ``on_nav`` (last, once every plugin and hook has added its files and its Markdown
  extensions) starts the build's conversions with the site's files and URLs and the
  Markdown and validation settings, and has Material's search index look each page's
  entries up first (`Indexed`).
* ``on_env`` gives the theme's Jinja environment a cache of compiled templates
  (`explaining_machines.pages.templates`, in the cache folder's ``templates/``): MkDocs
  makes a new environment for every build, whose templates Jinja would compile again.
* ``on_pre_page`` (last, after mkdocs-jupyter has given its notebooks their own renderer)
  gives every page that MkDocs' own ``Page.render`` converts a renderer that looks the
  conversion up first, by the page's final Markdown and the rest (`Conversions.key`).
* ``on_post_build`` saves both memos and says how many pages were reused;
  ``on_build_error`` saves neither.

What is left of a build is MkDocs' own: reading every page, rendering the templates,
writing every file, and the blog's views (`bench/README.md` has the numbers).
"""

from __future__ import annotations

import sys

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from explaining_machines import memo
from explaining_machines.mathml import output, render, tex
from explaining_machines.pages import conversions, templates
from explaining_machines.pages.conversions import Conversion, Conversions, Indexed, anchors
from explaining_machines.source import mdscan, snippets

log = get_plugin_logger("conversions")
_state: dict = {"conversions": None, "indexed": None, "includes": None, "templates": None}


def on_config(config: MkDocsConfig) -> None:
    folder = config.extra["project"].cache_path / "memo"
    own = (render, tex, output, mdscan, snippets, sys.modules[__name__])  # this hook: what it keeps of a conversion
    store = memo.Memo(folder / "conversions.json", conversions.code(own))
    _load(store)
    _state["conversions"], _state["indexed"] = Conversions(store), None


def _load(store: memo.Memo) -> None:
    problem = store.load()
    if problem:
        log.info("%s %s", store.path, problem)


@event_priority(-100)  # after every plugin's and hook's files, and the blog's views
def on_nav(nav, config: MkDocsConfig, files: Files):
    site = [(file.src_uri, file.dest_uri, file.url, file.inclusion.name) for file in files]
    validation = {name: dict(levels) for name, levels in config.validation.items()}
    described = conversions.describe(
        config.markdown_extensions, config.mdx_configs, validation, config.use_directory_urls, conversions.verbosity()
    )
    _state["conversions"].begin(site, described)
    _state["includes"] = conversions.includes(config.markdown_extensions, config.mdx_configs)
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            jieba = getattr(sys.modules.get(type(index).__module__), "jieba", None) is not None
            code = memo.digest(memo.code_digest((conversions,), ("mkdocs-material",)), repr(index.config), jieba)
            store = memo.Memo(config.extra["project"].cache_path / "memo" / "search.json", code)
            _load(store)
            _state["indexed"] = Indexed(store)
            index.add_entry_from_context = lambda page, index=index: _index(index, page)
            break
    return nav


def _index(index, page: Page) -> None:
    """Material's search entries of `page`, from the last build's when made from the same page."""
    indexed: Indexed = _state["indexed"]
    key = indexed.key(page.content or "", page.url, page.title, page.meta, list(anchors(page.toc)))
    found = indexed.get(key)
    if found is None:
        before = len(index.entries)
        type(index).add_entry_from_context(index, page)
        indexed.put(key, index.entries[before:])
    else:
        index.entries.extend(found)


def on_env(env, config: MkDocsConfig, files: Files):
    env.bytecode_cache = _state["templates"] = templates.Templates(config.extra["project"].cache_path / "templates")
    return env


@event_priority(-100)  # after mkdocs-jupyter, whose notebooks keep the renderer it gives them
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if type(page).render is Page.render and "render" not in vars(page):
        page.render = lambda config, files, page=page: _render(page, config, files)
    return page


def _tokens(items) -> list:
    """A table of contents as the tokens `get_toc` makes it from."""
    return [{"level": i.level, "id": i.id, "name": i.title, "children": _tokens(i.children)} for i in items]


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    kept: Conversions = _state["conversions"]
    key = kept.key(page.file.src_uri, page.file.url, page.markdown or "", _state["includes"])
    found = kept.get(key)
    linked = found.links_to_anchors if found is not None and found.links_to_anchors is not None else {}
    if found is not None and any(files.get_file_from_path(uri) is None for uri in linked):
        found = None  # links to a file this site lacks: not this site's conversion
    if found is None:
        with conversions.said() as warnings:
            Page.render(page, config, files)
        linked = page.links_to_anchors
        kept.put(key, Conversion(
            page.content, _tokens(page.toc), page._title_from_render,
            frozenset(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {file.src_uri: dict(links) for file, links in linked.items()} if linked is not None else None,
            tuple(warnings),
        ))  # fmt: skip
        return
    page.content, page.toc, page._title_from_render = found.content, get_toc(found.toc), found.title
    page.present_anchor_ids = set(found.anchors) if found.anchors is not None else None
    if found.links_to_anchors is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): dict(links) for uri, links in linked.items()}
    conversions.say_again(found.warnings)


def on_post_build(config: MkDocsConfig) -> None:
    kept: Conversions = _state["conversions"]
    indexed: Indexed | None = _state["indexed"]
    for store in (kept.store, indexed.store if indexed is not None else None):
        try:
            if store is not None:
                store.save()
        except OSError as error:  # the next build converts these pages again; the site is right
            log.info("%s: not saved (%s)", store.path, error.strerror or error)
    compiled: templates.Templates | None = _state["templates"]
    log.info("%d pages converted, %d reused from the last build; %d pages' search entries reused; "
             "%d templates compiled, %d reused", kept.converted, kept.reused, indexed.reused if indexed else 0,
             compiled.compiled if compiled else 0, compiled.loaded if compiled else 0)  # fmt: skip


def on_build_error(error: Exception, **_) -> None:
    _state["conversions"] = _state["indexed"] = None  # nothing of this build is saved
