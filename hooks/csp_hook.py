"""A Content-Security-Policy in every built HTML file (`explaining_machines.csp`).

Events:

* ``on_startup`` notes whether this is ``mkdocs serve``: its live reload injects an
  inline script into every page it serves, which the policy would block, so pages
  served that way go without the policy (a build always has it).
* ``on_post_page``, last of all (priority -100, after every plugin and hook that still
  changes the HTML, such as the head tags), puts the policy computed from the final
  HTML first in ``<head>``, and warns, naming the page, about inline code that the
  policy stops from running. The links and ids of the page are read in the same parse
  and remembered for the link check (`linkcheck.remember`).
* ``on_post_build``, last of all too, does the same for every other ``.html`` file in
  the site: 404.html (a theme template, which never passes through ``on_post_page``)
  and HTML files copied from docs/ as they are. Then every HTML file carries it.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from explaining_machines import csp, linkcheck

log = get_plugin_logger("csp")
_state: dict = {"serve": False, "done": set()}


def on_startup(command: str, **_) -> None:
    _state["serve"] = command == "serve"


def _protect(html: str, where: str) -> str:
    links = linkcheck.LinkReader()  # read in the same parse, for the link check (hooks/links_hook.py)
    protected, inline = csp.protect(html, links)
    for problem in inline.blocked():
        log.warning("%s: %s; the Content-Security-Policy stops it from running", where, problem)
    linkcheck.remember(protected, links.parsed(csp.moved_down_from(protected)))
    return protected


@event_priority(-100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _state["serve"]:
        return output
    _state["done"].add(page.file.dest_uri)
    root = os.path.dirname(config.config_file_path)
    return _protect(output, os.path.relpath(os.path.join(config.docs_dir, page.file.src_uri), root))


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    done, _state["done"] = _state["done"], set()
    if _state["serve"]:
        log.info("mkdocs serve: pages go without the Content-Security-Policy, so that live reload works")
        return
    site = Path(config.site_dir)
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        if name not in done:
            # surrogateescape: a file copied from docs/ in another encoding comes back byte for byte.
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            path.write_text(_protect(text, name), encoding="utf-8", errors="surrogateescape")
