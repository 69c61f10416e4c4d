"""Computed figures, computed numbers and executed notebooks, from the content-addressed cache.

The work is `explaining_machines.computed.pages.FigurePages`; this hook hands it MkDocs'
pages and gives MkDocs the files it names.

Events:

* ``on_config`` opens the figure project (`figures`) from the validated settings,
  and checks the stable addresses of ``figures.publish``.
* ``on_serve`` watches the ``figures`` package, so that editing a recipe rebuilds the site.
* ``on_files`` (before mkdocs-jupyter, which must wrap the executed notebook, not its
  source) reads every page's ``{% figure %}`` and ``{% value %}`` tags, failing with page
  and line, computes what the cache lacks (TensorFlow is imported only in child
  processes, so a warm build never loads it) and adds each figure's files with
  ``File.generated``; nothing is written into docs/.
* ``on_page_markdown`` (before citations, so captions may cite) replaces the tags.
  It adds the index of the provenance pages ("How it was made") as a page.
* ``on_post_page`` (at -90: after the hooks that change a page's HTML, before the policy)
  keeps the provenance index's finished HTML.
* ``on_post_build`` cuts the provenance step pages from that HTML and writes them (the
  policy and the link check, at -110, reach them as every other HTML file), writes the
  cache manifest and drops per-build state.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import figures
from explaining_machines.computed import provenance
from explaining_machines.computed.pages import FAILURES, FigurePages
from explaining_machines.errors import SourceError
from figures import FigureError, Project
from figures.cache import CacheError

log = get_plugin_logger("figures")
_pages: FigurePages | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _pages
    try:
        _pages = FigurePages(Project(config.extra["project"], log=log), Path(config.config_file_path), log)
    except FigureError as error:
        raise PluginError(str(error) if str(error).startswith("mkdocs.yml") else f"mkdocs.yml: {error}") from None
    snippets = config.mdx_configs.get("pymdownx.snippets")
    if snippets is not None:
        # Code that posts include from the figures package comes from the package this build
        # runs, before any other copy: the code shown is the code run.
        base = snippets.get("base_path", ["."])
        base = [base] if isinstance(base, str) else list(base)
        snippets["base_path"] = [str(Path(figures.__file__).resolve().parent.parent), *base]
    return config


def on_serve(server, config: MkDocsConfig, builder, **_):
    server.watch(str(Path(figures.__file__).parent))
    return server


@event_priority(50)  # before mkdocs-jupyter, which must wrap the executed notebook, not the source
def on_files(files: Files, config: MkDocsConfig) -> Files:
    pages = _pages
    notebooks = {f.src_uri: f for f in files if f.src_uri.endswith(".ipynb") and f.abs_src_path is not None}
    try:
        for file in files.documentation_pages():
            if file.src_uri.endswith(".md") and file.abs_src_path is not None:
                pages.collect(pages.where(file.abs_src_path), file.content_string)
        pages.check_published({file.src_uri for file in files})
        executed = pages.compute({uri: Path(file.abs_src_path) for uri, file in notebooks.items()})
        published = pages.site_files()
    except (SourceError, *FAILURES) as error:
        raise PluginError(str(error)) from None
    for site_path, path in published.items():
        files.append(File.generated(config, site_path, abs_src_path=str(path)))
    index = pages.made.index()
    if index is not None:  # the step pages are cut from its HTML once it is rendered (on_post_build)
        files.append(File.generated(config, provenance.INDEX, content=index))
    for uri, file in notebooks.items():
        files.remove(file)
        # A plain File rooted in the entry, not File.generated: mkdocs-jupyter wraps it and
        # reads abs_src_path through the wrapper, which a generated file does not support.
        files.append(File(uri, str(executed[uri]), config.site_dir, config.use_directory_urls))
    return files


@event_priority(50)  # before citations, so a caption's citations are resolved too
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    file = page.file
    if "{%" not in markdown:
        return markdown
    where = _pages.where(file.abs_src_path) if file.abs_src_path else file.src_uri  # a generated page has no file
    try:
        return _pages.render(where, file.src_uri, file.content_string, markdown)
    except SourceError as error:
        raise PluginError(str(error)) from None


@event_priority(-90)  # after the hooks that change the HTML (head tags, links), before the policy (-100)
def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _pages is not None and page.file.src_uri == provenance.INDEX:
        _pages.shell = (output, page.canonical_url or "")
    return output


def on_post_build(config: MkDocsConfig) -> None:
    global _pages
    try:
        if _pages is not None and _pages.shell is not None:
            site, base = Path(config.site_dir), config.site_url or ""
            try:
                made = _pages.made.shell_pages(*_pages.shell, lambda path: base + path)
            except ValueError as error:
                raise PluginError(f"{provenance.INDEX}: {error}; the provenance pages cannot be made") from None
            for path, text in made.items():
                (site / path).write_text(text, encoding="utf-8")
        if _pages is not None:
            _pages.finish()
    except CacheError as error:
        log.warning("%s: the manifest was not updated", error)
    _pages = None  # mkdocs serve keeps this module: the next build starts afresh


def on_build_error(error: Exception, **_) -> None:
    global _pages
    _pages = None  # a failed build records nothing in the manifest
