"""The computed content of one build: the figures and values its pages ask for, the cache
entries behind them, the files the site publishes from the cache, and each page's tags
rendered.

`FigurePages.collect` reads a page's ``{% figure %}`` and ``{% value %}`` tags: an
unknown name, parameter or value fails with page, line and what is known
(`SourceError`). `FigurePages.compute` makes every entry the pages and notebooks need:
only if some entry is missing or stale does it start child processes
(`figures.workers`), where TensorFlow gets imported, so a warm build never loads it; a
notebook runs as soon as the entries it loads exist, while the children go on.
`FigurePages.site_files` names the files the site publishes (each figure's images and
data under names that carry a hash of their bytes, and the stable addresses), and
`FigurePages.render` replaces a page's tags. Imports nothing from MkDocs:
`hooks/figures_hook.py` wires it in.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path

from explaining_machines import computed, memo
from explaining_machines.computed import interactive, provenance
from explaining_machines.computed.making import BuildProvenance
from explaining_machines.errors import SourceError, located
from explaining_machines.pages import urls
from explaining_machines.source import frontmatter, mdscan
from explaining_machines.views import assets
from figures import FigureError, Project, publish, values
from figures.cache import CacheError, Entry
from figures.notebooks import NotebookError
from figures.recipes import RecipeError
from figures.workers import WorkerError, Workers, build_commands

# What computing can fail with; each says what went wrong and, where it knows, with what.
FAILURES = (FigureError, RecipeError, CacheError, NotebookError, WorkerError, values.ValueNameError,
            assets.VendorError)  # fmt: skip


class FigurePages:
    """What one build knows: the project, each page's tags and the entries they need."""

    def __init__(self, project: Project, config_file: Path, log: logging.Logger | logging.LoggerAdapter) -> None:
        self.project = project
        self.config_file = config_file
        self.log = log
        self.published = project.published()  # stable site path -> figure step
        self.requests: list[tuple[str, int, str]] = []  # (page as shown, line of the tag, step it needs)
        self.entries: dict[str, Entry] = {}
        self.made: BuildProvenance | None = None  # the provenance pages, once the entries are known
        self.shell: tuple[str, str] | None = None  # the index page's finished HTML and its URL
        # Each page's tags and their rendering, kept between builds by what they depend on.
        self.memo = memo.Memo(project.settings.cache_path / "memo" / "computed.json", _code())
        problem = self.memo.load()
        if problem:
            log.info("%s %s", self.memo.path, problem)

    def where(self, path: str | os.PathLike[str]) -> str:
        """A source file as messages name it: relative to the folder of mkdocs.yml."""
        return self.project.settings.shown(path)

    def collect(self, where: str, raw: str) -> None:
        """Every figure and value the page `where` (its text `raw`) asks for, as steps.

        A value may also stand in a figure's caption, which the figure renders into the page.
        """
        if "{%" not in raw:
            return
        project = self.project
        figure_tags, value_tags = self._tags(where, raw)
        for name, params, line, view in figure_tags:
            try:
                self.requests.append((where, line, project.figure_step(name, params)))
            except (FigureError, RecipeError) as error:
                raise SourceError(f"{where}:{line}: figure '{name}': {error}") from None
            wrong = interactive.problem(project.recipes[name], view)
            if wrong:
                raise SourceError(f"{where}:{line}: {wrong}")
        for name, line in value_tags:
            try:
                step = values.step_of(project, values.lookup(project, name))
            except values.ValueNameError as error:
                raise SourceError(f"{where}:{line}: {error}") from None
            self.requests.append((where, line, step))

    def _tags(self, where: str, raw: str) -> tuple[list, list]:
        """The page's figure tags (name, parameters, line) and value tags (name, line), remembered by its text."""
        key = self.memo.key("tags", where, raw)
        found = self.memo.get(key)
        try:
            figures_found = [
                (str(name), dict(params), int(line), None if view is None else bool(view))
                for name, params, line, view in found["figures"]
            ]
            return figures_found, [(str(name), int(line)) for name, line in found["values"]]
        except (TypeError, KeyError, ValueError):
            self.memo.forget(key)
        first, body = frontmatter.body(raw)
        try:
            figure_tags = computed.find_figure_tags(body, first)
            value_tags = computed.find_value_tags(body, first)
            for tag in figure_tags:
                value_tags += computed.find_value_tags(tag.caption, tag.line)
        except computed.TagError as error:
            raise located(where, error) from None
        except mdscan.ScanError as error:
            raise located(where, error.at(mdscan.LineIndex(body, first))) from None
        found = {
            "figures": [[t.name, t.params, t.line, t.interactive] for t in figure_tags],
            "values": [[t.name, t.line] for t in value_tags],
        }
        self.memo.put(key, found)
        return [tuple(t) for t in found["figures"]], [tuple(t) for t in found["values"]]

    def compute(self, notebooks: Mapping[str, Path]) -> dict[str, Path]:
        """Every entry the pages and `notebooks` (source URI -> notebook file) need, computing what
        is missing; returns each notebook's executed copy in the cache.

        Two cores, two kinds of work: one child per independent group of missing steps
        (the random forest beside the digit model). A notebook runs here, in its own
        kernel, as soon as the children have made the entries it loads. Raises
        `SourceError` for a step a tag chose that cannot be made (a digit that is not
        there), one of `FAILURES` otherwise.
        """
        project = self.project
        notebook_steps = {uri: project.notebook_step(uri, path) for uri, path in notebooks.items()}
        wanted = sorted({step for _, _, step in self.requests} | set(self.published.values()))
        try:
            self.entries = self._compute(wanted, list(notebook_steps.values()))
        except WorkerError as error:
            located = self._located(error)
            if located is None:
                raise
            raise SourceError(located) from None
        self.made = BuildProvenance(project, self.entries, self.log)
        return {uri: self.entries[step].path for uri, step in notebook_steps.items()}

    def _compute(self, wanted: list[str], notebook_steps: list[str]) -> dict[str, Entry]:
        project = self.project
        for step in wanted + notebook_steps:
            if project.status(step)[0] is not None:
                self.log.info("%s: cached", step)
        notebooks = [step for step in notebook_steps if project.status(step)[0] is None]
        needed = wanted + [dep for step in notebooks for dep in project.graph[step].inputs]
        groups = project.independent_groups(needed, at_most=os.cpu_count() or 1)
        # A damaged entry is reported by the child that recomputes it.
        with Workers(build_commands(self.config_file, groups), self.log) as workers:
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

    def _located(self, error: WorkerError) -> str | None:
        """A child's error, named by the first tag whose figure or value needed the failed step."""
        if error.step is not None:  # a step chosen by a tag's parameters (a digit that is not there)
            for where, line, step in self.requests:
                if step == error.step or error.step in self.project.ancestors(step):
                    return f"{where}:{line}: {error}"
        return None

    def check_published(self, documents: set[str]) -> None:
        """`FigureError` (with mkdocs.yml's line) when a ``figures.publish`` path would overwrite
        a file of the docs folder (`documents`: the site paths of the files the site has)."""
        publish.conflicts(self.project, self.published, documents)

    def site_files(self) -> dict[str, Path]:
        """The files the site publishes from the cache: site path -> file.

        Each figure's images and data carry a hash of their bytes in their names, so a
        browser's cache is never stale; a figure shown with its default parameters also
        has a stable, unhashed address, as do those ``figures.publish`` names.
        """
        found: dict[str, Path] = {}
        for step, entry in self.entries.items():
            if step.startswith("figure:"):
                found.update(_figure_files(entry))
                found.update(interactive.view_files(entry))
        if any(step.startswith("figure:") and entry.meta.get("view") for step, entry in self.entries.items()):
            found.update(assets.site_files())  # the scripts; only pages with a view load them
        stable = {f"assets/figures/{step.removeprefix('figure:')}.png": step for step in self.entries
                  if step.startswith("figure:") and "[" not in step}  # fmt: skip
        for site_path, step in {**stable, **self.published}.items():
            entry = self.entries[step]
            found[site_path] = entry.file("light.png")
            found[site_path.removesuffix(".png") + ".dark.png"] = entry.file("dark.png")
        return found

    def render(self, where: str, src_uri: str, raw: str, markdown: str) -> str:
        """The Markdown of page `src_uri` with its figure and value tags replaced; `raw` is its source.

        Remembered by the page's Markdown and the entries it shows (each step's key and the
        digest of what it holds): a warm build renders no unchanged page's tags again.
        """
        if "{%" not in markdown:
            return markdown
        steps = sorted({step for page, _, step in self.requests if page == where})
        if not steps or any(step not in self.entries for step in steps):
            return self._render(where, src_uri, raw, markdown)  # a page made during the build: it fails there
        shown = [[step, self.entries[step].key, self.entries[step].output_digest] for step in steps]
        key = self.memo.key("render", where, src_uri, frontmatter.body_first_line(raw), markdown, shown)
        found = self.memo.get(key)
        if isinstance(found, str):
            return found
        self.memo.forget(key)
        rendered = self._render(where, src_uri, raw, markdown)
        self.memo.put(key, rendered)
        return rendered

    def _render(self, where: str, src_uri: str, raw: str, markdown: str) -> str:
        project = self.project
        first = frontmatter.body_first_line(raw)
        anchors: dict[str, int] = {}
        rendered = []
        with_views = False
        for tag in computed.find_figure_tags(markdown, first):
            step = project.figure_step(tag.name, tag.params)
            entry = self.entries.get(step)
            if entry is None:  # a page the build made after the figures were computed
                raise SourceError(f"{where}:{tag.line}: figure '{tag.name}' in a page made during the build; "
                                  "figures can stand only in pages written in docs/")  # fmt: skip
            anchor = tag.label
            if anchor is None:  # the first unlabelled figure of a name is figure-NAME, the next figure-NAME-2
                anchors[tag.name] = anchors.get(tag.name, 0) + 1
                anchor = f"figure-{tag.name}" + (f"-{anchors[tag.name]}" if anchors[tag.name] > 1 else "")
            view = _view(project, step, entry, src_uri)
            if interactive.shown(project.recipes[tag.name], tag.interactive) and entry.meta.get("view"):
                spec, files = interactive.view_links(entry)
                view = dataclasses.replace(view, view=spec, view_files=files)
                with_views = True
            rendered.append((tag, computed.render_figure(tag, view, anchor, indent=computed.indent_of(markdown, tag))))
        markdown = computed.replace_figures(markdown, rendered)
        if with_views:  # at the end: after the excerpt separator, so that excerpts show the images alone
            markdown = markdown.rstrip("\n") + "\n\n" + interactive.scripts_html() + "\n"
        numbers = []
        for tag in computed.find_value_tags(markdown, first):  # after the figures: captions may hold values
            try:
                value = values.lookup(project, tag.name)
                entry = self.entries.get(values.step_of(project, value))
                if entry is None:
                    raise values.ValueNameError(f"value '{tag.name}' in a page made during the build; values can "
                                                "stand only in pages written in docs/")  # fmt: skip
                numbers.append((tag, values.formatted(values.read(entry, value), value.kind, tag.spec)))
            except values.ValueNameError as error:
                raise SourceError(f"{where}:{tag.line}: {error}") from None
        return computed.replace_values(markdown, numbers)

    def finish(self) -> None:
        """Record in the cache's manifest which entries this build used; keep the memos."""
        if self.made is not None:
            self.made.finish()
        try:
            self.memo.save()
        except OSError as error:  # done again next time; the site is right
            self.log.info("%s: not saved (%s)", self.memo.path, error.strerror or error)
        if self.entries:
            self.project.cache.write_manifest({**self.project.used, **self.entries})


def _code() -> str:
    """The code a page's tags and their rendering come from: this package's, the scanner's, the
    values' formats, the arguments' reader and the relative links'."""
    from explaining_machines import arguments
    from explaining_machines.computed import tags

    return memo.code_digest(
        (sys.modules[__name__], tags, provenance, mdscan, frontmatter, arguments, urls, values, interactive, assets,
         assets.INIT, assets.MANIFEST)  # the scripts' hashed names
    )  # fmt: skip


_hashed = interactive.hashed


def _figure_files(entry: Entry) -> dict[str, Path]:
    """The site paths of a figure's images and data files, and their files in the cache."""
    name = entry.record["params"]["name"]
    found = {f"assets/figures/{_hashed(name, entry, f'{v}.png')}": entry.file(f"{v}.png") for v in ("light", "dark")}
    for data_file in entry.meta.get("data_files", []):
        found[f"assets/figures/{_hashed(name, entry, 'data/' + data_file)}"] = entry.file(f"data/{data_file}")
    return found


def _figure_name(recipe, params: Mapping) -> str:
    """A figure's name for the files a reader downloads: the recipe's, with the parameters
    that differ from its defaults (``shap-digit-digit3-index2``), so that two figures of one
    recipe on a page download as two files."""
    parts = [params["name"]]
    for name, parameter in recipe.parameters.items():
        value = params.get(name, parameter.default)
        if value == parameter.default:
            continue
        if isinstance(value, bool):
            parts.append(name if value else f"no-{name}")
        else:
            shown = "_".join(map(str, value)) if isinstance(value, list) else str(value)
            parts.append(name + re.sub(r"[^\w.]", "", shown))
    return "-".join(parts)


def _view(project: Project, step: str, entry: Entry, src_uri: str) -> computed.FigureView:
    """What the page `src_uri` shows of the figure `step` (its entry `entry`): its files, provenance and links."""
    record, meta = entry.record, entry.meta
    params = record["params"]
    recipe = project.recipes[params["name"]]
    images = {v: f"assets/figures/{_hashed(params['name'], entry, f'{v}.png')}" for v in ("light", "dark")}
    downloads = [
        computed.Download(
            label=data_file,
            url=urls.relative(f"assets/figures/{_hashed(params['name'], entry, 'data/' + data_file)}", src_uri),
            filename=f"{_figure_name(recipe, params)}-{data_file}",
        )
        for data_file in meta.get("data_files", [])
    ]
    return computed.FigureView(
        light=urls.relative(images["light"], src_uri),
        dark=urls.relative(images["dark"], src_uri),
        width=meta["width"],
        height=meta["height"],
        alt=meta["alt"],
        title="Computed by this site's build. " + meta["provenance"],
        name=params["name"],
        params={name: params[name] for name in recipe.parameters},
        provenance=meta["provenance"],
        # From the site's root: the page is no source file the engine resolves links to, and
        # root paths are made relative to each page that shows them (blog excerpts too).
        made_page="/" + provenance.page_path(step, entry.key),
        downloads=downloads,
    )
