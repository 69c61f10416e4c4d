"""`mkdocs serve`: a page whose conversion's inputs did not change since the serve's last
build reuses that conversion instead of running Python-Markdown again, and its search
entries instead of Material's search parsing its HTML again.

The work is `explaining_machines.pages.conversions`; this hook hands it MkDocs' pages. Only
under ``mkdocs serve``, whose rebuilds run in one process: ``mkdocs build`` converts every
page, as it always did, and nothing is kept on disk.

Events:

* ``on_startup`` notes whether this is ``mkdocs serve``.
* ``on_nav`` (last, once every plugin and hook has added its files) starts the build's
  conversions with the site's files and URLs and the Markdown and validation settings,
  and has Material's search index look each page's entries up first (`Indexed`).
* ``on_pre_page`` (last, after mkdocs-jupyter has given its notebooks their own renderer)
  gives every page that MkDocs' own ``Page.render`` converts a renderer that looks the
  conversion up first, by the page's final Markdown and the rest (`Conversions.key`).
* ``on_post_build`` keeps this build's conversions and entries for the next one and says
  how many were reused; ``on_build_error`` keeps none of a failed build's.

What is left of a rebuild is MkDocs' own: reading every page, the templates, writing
every file, and the blog's views (`bench/README.md` has the numbers).
"""

from __future__ import annotations

import copy
import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from explaining_machines.pages.conversions import Conversion, Conversions, Indexed, anchors
from explaining_machines.pages.conversions import said as conversions_said

log = get_plugin_logger("serve")
_state: dict = {"serve": False, "conversions": Conversions(), "indexed": Indexed(), "snippets": (), "appended": ()}


def on_startup(command: str, **_) -> None:
    _state["serve"] = command == "serve"


@event_priority(-100)  # after every plugin's and hook's files, and the blog's views
def on_nav(nav, config: MkDocsConfig, files: Files):
    if _state["serve"]:
        site = [(file.src_uri, file.dest_uri, file.url) for file in files]
        settings = (config.markdown_extensions, config.mdx_configs, config.validation, config.use_directory_urls)
        _state["conversions"].begin(site, settings)
        snippets = config.mdx_configs.get("pymdownx.snippets", {})
        paths, appended = snippets.get("base_path", ["."]), snippets.get("auto_append", [])
        _state["snippets"] = (paths,) if isinstance(paths, str) else tuple(paths)
        _state["appended"] = (appended,) if isinstance(appended, str) else tuple(appended)
        _state["indexed"].begin()
        for plugin in config.plugins.values():
            index = getattr(plugin, "search_index", None)
            if index is not None and isinstance(getattr(index, "entries", None), list):
                index.add_entry_from_context = lambda page, index=index: _index(index, page)
    return nav


def _index(index, page: Page) -> None:
    """Material's search entries of `page`, from the last build's when made from the same page."""
    indexed: Indexed = _state["indexed"]
    key = indexed.key(page.content or "", page.url, page.title, page.meta, list(anchors(page.toc)))
    found = indexed.get(key)
    if found is None:
        before = len(index.entries)
        type(index).add_entry_from_context(index, page)
        found = index.entries[before:]
        indexed.put(key, found)
    else:
        index.entries.extend(found)


@event_priority(-100)  # after mkdocs-jupyter, whose notebooks keep the renderer it gives them
def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    if _state["serve"] and type(page).render is Page.render and "render" not in vars(page):
        page.render = lambda config, files, page=page: _render(page, config, files)
    return page


def _render(page: Page, config: MkDocsConfig, files: Files) -> None:
    conversions: Conversions = _state["conversions"]
    key = conversions.key(page.file.src_uri, page.markdown or "", _state["snippets"], _state["appended"])
    found = conversions.get(key)
    if found is None:
        with conversions_said() as warnings:
            Page.render(page, config, files)
        linked = page.links_to_anchors
        conversions.put(key, Conversion(
            page.content, copy.deepcopy(page.toc), page._title_from_render,
            frozenset(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {file.src_uri: dict(links) for file, links in linked.items()} if linked is not None else None,
            tuple(warnings),
        ))  # fmt: skip
        return
    page.content, page.toc, page._title_from_render = found.content, found.table_of_contents(), found.title
    page.present_anchor_ids = set(found.anchors) if found.anchors is not None else None
    if found.links_to_anchors is not None:
        page.links_to_anchors = {
            files.get_file_from_path(uri): dict(links) for uri, links in found.links_to_anchors.items()
        }
    for name, level, message in found.warnings:
        logging.getLogger(name).log(level, "%s", message)


def on_post_build(config: MkDocsConfig) -> None:
    if _state["serve"]:
        conversions: Conversions = _state["conversions"]
        conversions.end()
        indexed: Indexed = _state["indexed"]
        log.info("%d pages converted, %d reused from the last build; %d pages' search entries reused",
                 conversions.converted, conversions.reused, indexed.reused)  # fmt: skip
        indexed.end()


def on_build_error(error: Exception, **_) -> None:
    _state["conversions"].drop()
    _state["indexed"].drop()
