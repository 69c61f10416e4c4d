"""Computed figures, computed numbers and executed notebooks, from the content-addressed cache.

Events:

* ``on_config`` opens the figure project (`figures`) from the validated settings,
  checks the stable addresses of ``figures.publish`` and adds `computed.CodeExtension`,
  which puts each recipe's highlighted source into its "How this figure was made" block.
* ``on_serve`` watches the ``figures`` package, so that editing a recipe rebuilds the site.
* ``on_files`` (before mkdocs-jupyter, which must wrap the executed notebook, not its
  source) reads every page's ``{% figure %}`` and ``{% value %}`` tags: an unknown name,
  parameter or value fails with page, line and what is known. Only if some entry is
  missing or stale, it is computed in child processes (`figures.workers`), where
  TensorFlow gets imported: a warm build never loads it. A notebook runs as soon as the
  entries it loads exist, while the children go on. Each figure's images and data join
  the build with ``File.generated`` under names that carry a hash of their bytes, and at
  their stable addresses; nothing is written into docs/.
* ``on_page_markdown`` (before citations, so captions may cite) replaces the tags.
* ``on_post_build`` writes the cache manifest and drops per-build state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import figures
from explaining_machines import computed, frontmatter, mdscan
from figures import FigureError, Project, values
from figures.cache import CacheError, Entry
from figures.notebooks import NotebookError
from figures.recipes import RecipeError
from figures.workers import WorkerError, Workers, build_commands

log = get_plugin_logger("figures")
FAILURES = (FigureError, RecipeError, CacheError, NotebookError, WorkerError, values.ValueNameError)


@dataclass
class _Build:
    """What one build knows: the project, each page's tags and the entries they need."""

    project: Project
    config_file: Path
    requests: list[tuple[str, int, str]]  # (page as shown, line of the tag, step it needs)
    entries: dict[str, Entry]
    published: dict[str, str]  # stable site path -> figure step


_build: _Build | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build
    try:
        project = Project(config.extra["project"], log=log)
        published = project.published()
    except FigureError as error:
        raise PluginError(str(error) if str(error).startswith("mkdocs.yml") else f"mkdocs.yml: {error}") from None
    _build = _Build(project, Path(config.config_file_path), [], {}, published)
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


def _where(file: File, root: Path) -> str:
    return os.path.relpath(file.abs_src_path, root)


def _collect(files: Files, build: _Build, root: Path) -> None:
    """Every figure and value the pages ask for, as steps; fails with page and line.

    A value may also stand in a figure's caption, which the figure renders into the page.
    """
    project = build.project
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None or "{%" not in file.content_string:
            continue
        where, raw = _where(file, root), file.content_string
        first = frontmatter.body_first_line(raw)
        body = "".join(raw.splitlines(keepends=True)[first - 1 :])
        try:
            figure_tags = computed.find_figure_tags(body, first)
            value_tags = computed.find_value_tags(body, first)
            for tag in figure_tags:
                value_tags += computed.find_value_tags(tag.caption, tag.line)
        except computed.TagError as error:
            raise PluginError(f"{where}:{error.line}: {error.message}") from None
        except mdscan.ScanError as error:
            raise PluginError(f"{where}:{mdscan.LineIndex(body, first).line(error.offset)}: {error}") from None
        for tag in figure_tags:
            try:
                build.requests.append((where, tag.line, project.figure_step(tag.name, tag.params)))
            except (FigureError, RecipeError) as error:
                raise PluginError(f"{where}:{tag.line}: figure '{tag.name}': {error}") from None
        for tag in value_tags:
            try:
                step = values.step_of(project, values.lookup(project, tag.name))
            except values.ValueNameError as error:
                raise PluginError(f"{where}:{tag.line}: {error}") from None
            build.requests.append((where, tag.line, step))


@event_priority(50)  # before mkdocs-jupyter, which must wrap the executed notebook, not the source
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _build
    root = Path(config.config_file_path).resolve().parent
    _collect(files, build, root)
    notebooks = {
        file: build.project.notebook_step(file.src_uri, Path(file.abs_src_path))
        for file in files
        if file.src_uri.endswith(".ipynb") and file.abs_src_path is not None
    }
    wanted = sorted({step for _, _, step in build.requests} | set(build.published.values()))
    try:
        build.entries = _compute(build, wanted, list(notebooks.values()))
    except WorkerError as error:
        raise PluginError(_located(build, error)) from None
    except FAILURES as error:
        raise PluginError(str(error)) from None
    for step, entry in build.entries.items():
        if step.startswith("figure:"):
            for uri, path in _figure_files(entry).items():
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    # A stable, unhashed address for every figure a page shows with its default parameters.
    stable = {f"assets/figures/{step.removeprefix('figure:')}.png": step for step in wanted if "[" not in step
              and step.startswith("figure:")}  # fmt: skip
    for site_path, step in {**stable, **build.published}.items():
        entry = build.entries[step]
        files.append(File.generated(config, site_path, abs_src_path=str(entry.file("light.png"))))
        dark = site_path.removesuffix(".png") + ".dark.png"
        files.append(File.generated(config, dark, abs_src_path=str(entry.file("dark.png"))))
    for file, step in notebooks.items():
        files.remove(file)
        # A plain File rooted in the entry, not File.generated: mkdocs-jupyter wraps it and
        # reads abs_src_path through the wrapper, which a generated file does not support.
        files.append(File(file.src_uri, str(build.entries[step].path), config.site_dir, config.use_directory_urls))
    return files


def _located(build: _Build, error: WorkerError) -> str:
    """A child's error, named by the first tag whose figure or value needed the failed step."""
    if error.step is not None:  # a step chosen by a tag's parameters (a digit that is not there)
        for where, line, step in build.requests:
            if step == error.step or error.step in build.project.ancestors(step):
                return f"{where}:{line}: {error}"
    return str(error)


def _compute(build: _Build, wanted: list[str], notebook_steps: list[str]) -> dict[str, Entry]:
    """The entries of `wanted` and `notebook_steps`, computing what is missing.

    Two cores, two kinds of work: one child per independent group of missing steps
    (the random forest beside the digit model). A notebook runs here, in its own
    kernel, as soon as the children have made the entries it loads.
    """
    project = build.project
    for step in wanted + notebook_steps:
        if project.status(step)[0] is not None:
            log.info("%s: cached", step)
    notebooks = [step for step in notebook_steps if project.status(step)[0] is None]
    needed = wanted + [dep for step in notebooks for dep in project.graph[step].inputs]
    groups = project.independent_groups(needed, at_most=os.cpu_count() or 1)
    # A damaged entry is reported by the child that recomputes it.
    with Workers(build_commands(build.config_file, groups), log) as workers:
        for step in notebooks:
            workers.wait_for(dep for dep in project.graph[step].inputs if project.status(dep)[0] is None)
            project.ensure(step)
        workers.finish()
    entries = {}
    for step in wanted + notebook_steps:
        entry, reason = project.status(step)
        if entry is None:
            raise FigureError(f"{step}: still not in the cache after computing ({reason})")
        entries[step] = entry
    return entries


def _hashed(name: str, entry: Entry, file: str) -> str:
    """A name that carries a hash of the file's bytes, so a browser's cache is never stale."""
    stem, dot, suffix = file.rpartition(".")
    return f"{name}.{entry.digest(file)[:10]}.{stem.replace('/', '-')}{dot}{suffix}"


def _figure_files(entry: Entry) -> dict[str, Path]:
    """The site paths of a figure's images and data files, and their files in the cache."""
    name = entry.record["params"]["name"]
    found = {f"assets/figures/{_hashed(name, entry, f'{v}.png')}": entry.file(f"{v}.png") for v in ("light", "dark")}
    for data_file in entry.meta.get("data_files", []):
        found[f"assets/figures/{_hashed(name, entry, 'data/' + data_file)}"] = entry.file(f"data/{data_file}")
    return found


@event_priority(50)  # before citations, so a caption's citations are resolved too
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    if "{%" not in markdown:
        return markdown
    build = _build
    first = frontmatter.body_first_line(page.file.content_string)
    page_dir = os.path.dirname(page.file.src_uri) or "."
    anchors: dict[str, int] = {}
    rendered = []
    for tag in computed.find_figure_tags(markdown, first):
        entry = build.entries[build.project.figure_step(tag.name, tag.params)]
        anchor = tag.label
        if anchor is None:  # the first unlabelled figure of a name is figure-NAME, the next figure-NAME-2
            anchors[tag.name] = anchors.get(tag.name, 0) + 1
            anchor = f"figure-{tag.name}" + (f"-{anchors[tag.name]}" if anchors[tag.name] > 1 else "")
        indent = computed.indent_of(markdown, tag)
        view = _view(build.project, entry, page_dir)
        rendered.append((tag, computed.render_figure(tag, view, anchor, indent=indent)))
    markdown = computed.replace_figures(markdown, rendered)
    numbers = []
    for tag in computed.find_value_tags(markdown, first):  # after the figures: captions may hold values
        value = values.lookup(build.project, tag.name)
        number = values.read(build.entries[values.step_of(build.project, value)], value)
        try:
            numbers.append((tag, values.formatted(number, value.kind, tag.spec)))
        except values.ValueNameError as error:
            raise PluginError(f"{_where(page.file, build.project.settings.root)}:{tag.line}: {error}") from None
    return computed.replace_values(markdown, numbers)


def _view(project: Project, entry: Entry, page_dir: str) -> computed.FigureView:
    """What a page at `page_dir` shows of the figure in `entry`: its files, provenance and code."""
    record, meta = entry.record, entry.meta
    params = record["params"]
    recipe = project.recipes[params["name"]]
    urls = {v: f"assets/figures/{_hashed(params['name'], entry, f'{v}.png')}" for v in ("light", "dark")}
    downloads = [
        computed.Download(
            label=data_file,
            url=os.path.relpath(f"assets/figures/{_hashed(params['name'], entry, 'data/' + data_file)}", page_dir),
            filename=f"{params['name']}-{data_file}",
        )
        for data_file in meta.get("data_files", [])
    ]
    return computed.FigureView(
        light=os.path.relpath(urls["light"], page_dir),
        dark=os.path.relpath(urls["dark"], page_dir),
        width=meta["width"],
        height=meta["height"],
        alt=meta["alt"],
        title="Computed by this site's build. " + meta["provenance"],
        name=params["name"],
        params={name: params[name] for name in recipe.parameters},
        made_from=[tuple(row) for row in meta.get("made_from", [])],
        libraries=record.get("libraries", {}),
        key=entry.key,
        source=entry.file("recipe.py").read_text(encoding="utf-8") if entry.file("recipe.py").is_file() else "",
        source_path=f"figures/recipes/{recipe.module.rsplit('.', 1)[-1]}.py",
        downloads=downloads,
    )


def on_post_build(config: MkDocsConfig) -> None:
    global _build
    build = _build
    try:
        if build is not None and build.entries:
            build.project.cache.write_manifest({**build.project.used, **build.entries})
    except CacheError as error:
        log.warning("%s: the manifest was not updated", error)
    _build = None
