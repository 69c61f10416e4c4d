"""Warn about every local link of the built site that points at nothing (`explaining_machines.checks.linkcheck`).

Events:

* ``on_post_page`` (last) remembers which source file each HTML page came from.
* ``on_post_build`` at priority -110, below "last" (-100), so after every other writer
  of the site: the RSS plugin's feeds and the search index (priority 0) and the hooks
  that rewrite HTML files at -100. It checks every HTML file in the site folder,
  whoever wrote it: pages, Material's blog views, the 404 page, HTML copied from
  docs/. A broken link is a warning, so ``--strict`` fails, naming the page's source
  file and, when the link's text can be found in the Markdown, its line. Then the
  per-build state is dropped (``mkdocs serve`` keeps this module loaded);
  ``on_build_error`` drops it after a failed build too.

Links to other hosts are not fetched. A broken link that no Markdown line explains
(a theme's or a plugin's, on every page alike) is reported once, with how many other
pages share it.
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from explaining_machines.checks import linkcheck, linktrace

log = get_plugin_logger("links")
_pages: dict[str, File] = {}  # site-relative HTML path -> the file of the page written there


@event_priority(-100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    _pages[page.file.dest_uri] = page.file
    return output


# Below "last" (-100): after every other writer of the site, the RSS plugin's feeds (0) and
# the hooks that rewrite HTML files at -100 (the Content-Security-Policy one rewrites 404.html),
# so that the files checked, and the HTML lines named, are the final ones.
@event_priority(-110)
def on_post_build(config: MkDocsConfig) -> None:
    try:
        site = linkcheck.Site(config.site_dir, linkcheck.base_path(config.site_url))
        broken = site.check(site.html_files())
        root = os.path.dirname(config.config_file_path)
        docs = os.path.relpath(config.docs_dir, root).replace(os.sep, "/")
        built = {file.src_uri: file for file in _pages.values()}
        sources = {dest: file.src_uri for dest, file in _pages.items() if file.generated_by is None}
        for message in linktrace.messages(broken, sources, docs, lambda src_uri: built[src_uri].content_string):
            log.warning(message)
    finally:
        _pages.clear()
        linkcheck.forget()


def on_build_error(error: Exception, **_) -> None:
    _pages.clear()
    linkcheck.forget()
