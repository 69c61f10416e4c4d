"""Checks of the built site: a Content-Security-Policy in every HTML file, and the link check.

The work is `explaining_machines.checks.site.SiteChecks`, one per build: each page is read
once, for the inline code its policy must hash or block and, in the same parse, for the
links and ids the link check resolves.

Events:

* ``on_startup`` notes whether this is ``mkdocs serve``: its live reload injects an
  inline script into every page it serves, which the policy would block, so pages served
  that way go without the policy (a build always has it).
* ``on_config`` loads what the last build's reads found (`PageReads`): a page whose HTML
  is unchanged is not parsed again; and each page's link check, which is not done again
  while the page's links and the files and ids they consulted are unchanged.
* ``on_post_page``, last of all (priority -100, after every plugin and hook that still
  changes the HTML, such as the head tags), puts the policy computed from the final HTML
  first in ``<head>``, warns about inline code that it stops, naming the page, and notes
  which source file the page came from. Under ``mkdocs serve`` it only reads the page's
  links and ids for the link check, and a page unchanged since the serve's last build is
  not read again.
* ``on_post_build`` at -110, below "last" (-100), so after every other writer of the
  site (the RSS plugin's feeds and the search index at 0, the hooks at -100): gives every
  other ``.html`` file its policy (404.html, a theme template that never passes through
  ``on_post_page``, and HTML copied from docs/), saves the reads, then checks every local
  link of every HTML file. A broken link is a warning, so ``--strict`` fails, naming the
  page's source file and, when the link's text is in the Markdown, its line
  (`explaining_machines.checks.linktrace`); one that no Markdown explains (a theme's, on
  every page alike) is reported once. Links to other hosts are not fetched.
* ``on_build_error`` drops the build's state (``mkdocs serve`` keeps this module loaded).
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.pages import Page

from explaining_machines.checks import linkcheck, linktrace
from explaining_machines.checks.pagereads import PageReads
from explaining_machines.checks.site import SiteChecks, links_memo

# The names authors know from the messages: "csp: docs/p.md: inline script ...", "links: docs/p.md:7: broken link ...".
policy_log = get_plugin_logger("csp")
links_log = get_plugin_logger("links")
# `serve_reads`: what mkdocs serve's last build read of its pages (one process rebuilds the
# site on every edit; an unchanged page is not parsed again for the link check).
_state: dict = {"serve": False, "checks": None, "pages": {}, "serve_reads": {}}


def on_startup(command: str, **_) -> None:
    _state["serve"] = command == "serve"


def on_config(config: MkDocsConfig) -> None:
    reads = PageReads(config.extra["project"].cache_path / "page-reads.json")
    problem = reads.load()
    if problem:  # not the author's to fix: the pages are read again
        policy_log.info("%s %s", reads.path, problem)
    links = links_memo(config.extra["project"].cache_path / "memo" / "links.json")
    problem = links.load()
    if problem:
        links_log.info("%s %s", links.path, problem)
    _state["checks"], _state["pages"] = SiteChecks(reads, links), {}
    _state["checks"].kept = _state["serve_reads"]


def _protect(html: str, where: str) -> str:
    protected, blocked = _state["checks"].protect(html)
    for problem in blocked:
        policy_log.warning("%s: %s; the Content-Security-Policy stops it from running", where, problem)
    return protected


@event_priority(-100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    _state["pages"][page.file.dest_uri] = page.file
    if _state["serve"]:
        _state["checks"].read(output)
        return output
    return _protect(output, config.extra["project"].shown(os.path.join(config.docs_dir, page.file.src_uri)))


@event_priority(-110)
def on_post_build(config: MkDocsConfig) -> None:
    checks: SiteChecks = _state["checks"]
    pages: dict[str, File] = _state["pages"]
    try:
        if _state["serve"]:
            policy_log.info("mkdocs serve: pages go without the Content-Security-Policy, so that live reload works")
        else:
            site = Path(config.site_dir)
            for path in sorted(site.rglob("*.html")):
                name = path.relative_to(site).as_posix()
                if name not in pages:
                    # surrogateescape: a file copied from docs/ in another encoding comes back byte for byte.
                    text = path.read_text(encoding="utf-8", errors="surrogateescape")
                    path.write_text(_protect(text, name), encoding="utf-8", errors="surrogateescape")
        broken = checks.broken_links(config.site_dir, linkcheck.base_path(config.site_url))
        if _state["serve"]:
            _state["serve_reads"] = checks.pages_read()
        # mkdocs serve reads no page for the policy: the last build's reads stay as they are.
        for kept in (checks.links,) if _state["serve"] else (checks.reads, checks.links):
            try:
                kept.save()
            except OSError as error:  # the next build reads and checks every page again; the site is right
                policy_log.info("%s: not saved (%s)", kept.path, error.strerror or error)
        root = os.path.dirname(config.config_file_path)
        docs = os.path.relpath(config.docs_dir, root).replace(os.sep, "/")
        built = {file.src_uri: file for file in pages.values()}
        sources = {dest: file.src_uri for dest, file in pages.items() if file.generated_by is None}
        for message in linktrace.messages(broken, sources, docs, lambda src_uri: built[src_uri].content_string):
            links_log.warning(message)
    finally:
        on_build_error(None)


def on_build_error(error: Exception | None, **_) -> None:
    _state["checks"], _state["pages"] = None, {}  # a failed build's reads are not kept
