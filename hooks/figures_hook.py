"""Computed figures and executed notebooks, from the content-addressed cache (`figures`).

Events:

* ``on_config`` opens the figure project from the validated settings.
* ``on_serve`` watches the ``figures`` package, so that editing a recipe rebuilds the site.
* ``on_files`` (before mkdocs-jupyter, which must wrap the executed notebook, not its
  source) reads every page's ``{% figure %}`` tags (an unknown name fails with page,
  line and the known names) and, only if some entry is missing or stale, computes it
  in child processes (`figures.workers`), where TensorFlow gets imported: a warm
  build never loads it. A notebook runs as soon as the entries it loads exist, while
  the children go on. Each figure's PNGs join the build with ``File.generated``
  under a name that carries a hash of their bytes; nothing is written into docs/.
* ``on_page_markdown`` (before citations, so captions may cite) replaces the tags.
* ``on_post_build`` writes the cache manifest and drops per-build state.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import figures
from explaining_machines import figure_tags, frontmatter
from figures import FigureError, Project
from figures.cache import CacheError, Entry
from figures.notebooks import NotebookError
from figures.recipes import RecipeError
from figures.workers import WorkerError, Workers, build_commands

log = get_plugin_logger("figures")
_state: dict = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        _state["project"] = Project(config.extra["project"], log=log)
    except FigureError as error:
        raise PluginError(f"mkdocs.yml: extra.project.data: {error}") from None
    _state["config_file"] = Path(config.config_file_path)
    return config


def on_serve(server, config: MkDocsConfig, builder, **_):
    server.watch(str(Path(figures.__file__).parent))
    return server


def _where(file: File, root: Path) -> str:
    return os.path.relpath(file.abs_src_path, root)


def _figure_steps(files: Files, project: Project, root: Path) -> dict[str, str]:
    """Every figure the pages ask for: its step, by the tag's text. Fails with page and line."""
    steps = {}
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None:
            continue
        raw = file.content_string
        if "figure" not in raw:
            continue
        first = frontmatter.body_first_line(raw)
        body = "".join(raw.splitlines(keepends=True)[first - 1 :])
        try:
            for tag in figure_tags.find_figure_tags(body, first):
                try:
                    steps[tag.name] = project.figure_step(tag.name)
                except (FigureError, RecipeError) as error:
                    raise figure_tags.FigureTagError(tag.line, str(error)) from None
        except figure_tags.FigureTagError as error:
            raise PluginError(f"{_where(file, root)}:{error.line}: {error.message}") from None
    return steps


@event_priority(50)  # before mkdocs-jupyter, which must wrap the executed notebook, not the source
def on_files(files: Files, config: MkDocsConfig) -> Files:
    project: Project = _state["project"]
    root = Path(config.config_file_path).resolve().parent
    steps = _figure_steps(files, project, root)
    notebooks = {
        file: project.notebook_step(file.src_uri, Path(file.abs_src_path))
        for file in files
        if file.src_uri.endswith(".ipynb") and file.abs_src_path is not None
    }
    try:
        entries = _compute(project, sorted(set(steps.values())), list(notebooks.values()))
    except (FigureError, RecipeError, CacheError, NotebookError, WorkerError) as error:
        raise PluginError(str(error)) from None
    _state["figures"] = {name: entries[step] for name, step in steps.items()}
    for name, entry in _state["figures"].items():
        for variant in ("light", "dark"):
            image = str(entry.file(f"{variant}.png"))
            files.append(File.generated(config, _uri(name, entry, variant), abs_src_path=image))
    for file, step in notebooks.items():
        files.remove(file)
        # A plain File rooted in the entry, not File.generated: mkdocs-jupyter wraps it and
        # reads abs_src_path through the wrapper, which a generated file does not support.
        files.append(File(file.src_uri, str(entries[step].path), config.site_dir, config.use_directory_urls))
    return files


def _compute(project: Project, figure_steps: list[str], notebook_steps: list[str]) -> dict[str, Entry]:
    """The entries of `figure_steps` and `notebook_steps`, computing what is missing.

    Two cores, two kinds of work: one child per independent group of missing steps
    (the random forest beside the digit model). A notebook runs here, in its own
    kernel, as soon as the children have made the entries it loads.
    """
    for step in figure_steps + notebook_steps:
        if project.status(step)[0] is not None:
            log.info("%s: cached", step)
    notebooks = [step for step in notebook_steps if project.status(step)[0] is None]
    needed = figure_steps + [dep for step in notebooks for dep in project.graph[step].inputs]
    groups = project.independent_groups(needed, at_most=os.cpu_count() or 1)
    # A damaged entry is reported (as a warning) by the child that recomputes it.
    with Workers(build_commands(_state["config_file"], groups), log) as workers:
        for step in notebooks:
            workers.wait_for(dep for dep in project.graph[step].inputs if project.status(dep)[0] is None)
            project.ensure(step)
        workers.finish()
    entries = {}
    for step in figure_steps + notebook_steps:
        entry, reason = project.status(step)
        if entry is None:
            raise FigureError(f"{step}: still not in the cache after computing ({reason})")
        entries[step] = entry
    _state["used"] = entries
    return entries


def _uri(name: str, entry: Entry, variant: str) -> str:
    """Where a figure's image is published: its bytes' hash in the name, so a browser's cache is always right."""
    return f"assets/figures/{name}.{entry.digest(f'{variant}.png')[:10]}.{variant}.png"


@event_priority(50)  # before citations, so a caption's citations are resolved too
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "figure" not in markdown:
        return markdown
    first = frontmatter.body_first_line(page.file.content_string)
    tags = figure_tags.find_figure_tags(markdown, first)  # offsets in this (possibly changed) text
    page_dir = os.path.dirname(page.file.src_uri) or "."
    images = {}
    for tag in tags:
        entry = _state["figures"][tag.name]
        images[tag.name] = figure_tags.FigureImages(
            light=os.path.relpath(_uri(tag.name, entry, "light"), page_dir),
            dark=os.path.relpath(_uri(tag.name, entry, "dark"), page_dir),
            width=entry.meta["width"],
            height=entry.meta["height"],
            alt=entry.meta["alt"],
            provenance="Computed by this site's build. " + entry.meta["provenance"],
        )
    return figure_tags.replace_tags(markdown, tags, images)


def on_post_build(config: MkDocsConfig) -> None:
    project: Project = _state["project"]
    try:
        if _state.get("used"):
            project.cache.write_manifest({**project.used, **_state["used"]})
    except CacheError as error:
        log.warning("%s: the manifest was not updated", error)
    _state.pop("used", None)
    _state.pop("figures", None)
