"""A Content-Security-Policy in every built HTML file (`explaining_machines.checks.csp`).

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

A page whose HTML is the same as in the last build is not read again: ``on_config``
loads what the reads of the last build found (`explaining_machines.checks.pagereads`), and
``on_post_build`` saves this build's.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.pages import Page

from explaining_machines.checks import csp, linkcheck
from explaining_machines.checks.pagereads import PageReads

log = get_plugin_logger("csp")
_state: dict = {"serve": False, "done": set()}


def on_startup(command: str, **_) -> None:
    _state["serve"] = command == "serve"


def _protect(html: str, where: str) -> str:
    reads: PageReads = _state["reads"]
    known = reads.get(html)  # the same HTML as in the last build: what reading it found then
    if known is None:
        links = linkcheck.LinkReader()  # read in the same parse, for the link check (hooks/links_hook.py)
        protected, inline = csp.protect(html, links)
        parsed = links.parsed(csp.moved_down_from(protected))
        reads.put(html, inline, parsed)
    else:
        inline, parsed = known
        protected, _ = csp.protect(html, found=inline)
    for problem in inline.blocked():
        log.warning("%s: %s; the Content-Security-Policy stops it from running", where, problem)
    linkcheck.remember(protected, parsed)
    return protected


def on_config(config: MkDocsConfig) -> None:
    reads = _state["reads"] = PageReads(config.extra["project"].cache_path / "page-reads.json")
    problem = reads.load()
    if problem:  # not the author's to fix: the pages are read again
        log.info("%s %s", reads.path, problem)


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
    reads: PageReads = _state.pop("reads")
    try:
        reads.save()
    except OSError as error:  # the next build reads every page again; nothing is wrong in the site
        log.info("%s: not saved (%s)", reads.path, error.strerror or error)


def on_build_error(error: Exception, **_) -> None:
    _state.pop("reads", None)  # a failed build's reads are not kept
    _state["done"] = set()
