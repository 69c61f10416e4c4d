"""Computed figures, computed numbers and executed notebooks, from the content-addressed cache.

The work is `explaining_machines.computed.pages.FigurePages`; this hook hands it MkDocs'
pages and gives MkDocs the files it names.

Events:

* ``on_config`` opens the figure project (`figures`) from the validated settings,
  checks the stable addresses of ``figures.publish`` and adds `computed.CodeExtension`,
  which puts each recipe's highlighted source into its "How this figure was made" block.
* ``on_serve`` watches the ``figures`` package, so that editing a recipe rebuilds the site.
* ``on_files`` (before mkdocs-jupyter, which must wrap the executed notebook, not its
  source) reads every page's ``{% figure %}`` and ``{% value %}`` tags, failing with page
  and line, computes what the cache lacks (TensorFlow is imported only in child
  processes, so a warm build never loads it) and adds each figure's files with
  ``File.generated``; nothing is written into docs/.
* ``on_page_markdown`` (before citations, so captions may cite) replaces the tags.
* ``on_post_build`` writes the cache manifest and drops per-build state.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

import figures
from explaining_machines import computed
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
    if not any(isinstance(extension, computed.CodeExtension) for extension in config.markdown_extensions):
        config.markdown_extensions.append(computed.CodeExtension())  # pages and blog excerpts alike
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
        executed = pages.compute({uri: Path(file.abs_src_path) for uri, file in notebooks.items()})
    except (SourceError, *FAILURES) as error:
        raise PluginError(str(error)) from None
    for site_path, path in pages.site_files().items():
        files.append(File.generated(config, site_path, abs_src_path=str(path)))
    made = {uri: File.generated(config, uri, content="") for uri in pages.made.paths()}
    for uri, file in made.items():
        if uri != provenance.INDEX:  # reached from the section's index, not listed on every page's nav
            file.inclusion = InclusionLevel.NOT_IN_NAV
    for uri, text in pages.made.files(lambda uri: made[uri].url).items():
        made[uri].content_string = text
        files.append(made[uri])
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


def on_post_build(config: MkDocsConfig) -> None:
    global _pages
    try:
        if _pages is not None:
            _pages.finish()
    except CacheError as error:
        log.warning("%s: the manifest was not updated", error)
    _pages = None  # mkdocs serve keeps this module: the next build starts afresh


def on_build_error(error: Exception, **_) -> None:
    global _pages
    _pages = None  # a failed build records nothing in the manifest
