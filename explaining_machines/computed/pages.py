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

import functools
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from explaining_machines import computed, memo
from explaining_machines.computed import code, provenance
from explaining_machines.errors import SourceError, located
from explaining_machines.pages import urls
from explaining_machines.source import frontmatter, mdscan
from figures import FigureError, Project, keys, values
from figures.cache import CacheError, Entry
from figures.notebooks import NotebookError
from figures.recipes import RecipeError
from figures.workers import WorkerError, Workers, build_commands

# What computing can fail with; each says what went wrong and, where it knows, with what.
FAILURES = (FigureError, RecipeError, CacheError, NotebookError, WorkerError, values.ValueNameError)


class FigurePages:
    """What one build knows: the project, each page's tags and the entries they need."""

    def __init__(self, project: Project, config_file: Path, log: logging.Logger | logging.LoggerAdapter) -> None:
        self.project = project
        self.config_file = config_file
        self.log = log
        self.published = project.published()  # stable site path -> figure step
        self.requests: list[tuple[str, int, str]] = []  # (page as shown, line of the tag, step it needs)
        self.entries: dict[str, Entry] = {}
        # The provenance pages' code, highlighted, kept between builds by source and highlighter.
        self.highlights = memo.Memo(project.settings.cache_path / "memo" / "highlighted.json",
                                    memo.code_digest((code,), ("pygments",)))  # fmt: skip
        problem = self.highlights.load()
        if problem:
            log.info("%s %s", self.highlights.path, problem)

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
        for tag in figure_tags:
            try:
                self.requests.append((where, tag.line, project.figure_step(tag.name, tag.params)))
            except (FigureError, RecipeError) as error:
                raise SourceError(f"{where}:{tag.line}: figure '{tag.name}': {error}") from None
        for tag in value_tags:
            try:
                step = values.step_of(project, values.lookup(project, tag.name))
            except values.ValueNameError as error:
                raise SourceError(f"{where}:{tag.line}: {error}") from None
            self.requests.append((where, tag.line, step))

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
        stable = {f"assets/figures/{step.removeprefix('figure:')}.png": step for step in self.entries
                  if step.startswith("figure:") and "[" not in step}  # fmt: skip
        for site_path, step in {**stable, **self.published}.items():
            entry = self.entries[step]
            found[site_path] = entry.file("light.png")
            found[site_path.removesuffix(".png") + ".dark.png"] = entry.file("dark.png")
        return found

    def render(self, where: str, src_uri: str, raw: str, markdown: str) -> str:
        """The Markdown of page `src_uri` with its figure and value tags replaced; `raw` is its source."""
        if "{%" not in markdown:
            return markdown
        project = self.project
        first = frontmatter.body_first_line(raw)
        anchors: dict[str, int] = {}
        rendered = []
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
            rendered.append((tag, computed.render_figure(tag, view, anchor, indent=computed.indent_of(markdown, tag))))
        markdown = computed.replace_figures(markdown, rendered)
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

    @functools.cached_property
    def _steps_behind(self) -> dict[str, provenance.StepPage]:
        return self._gather()

    def provenance_pages(self) -> dict[str, provenance.StepPage]:
        """The provenance page of every step behind this build's figures and values (not notebooks,
        which are pages of their own), by step name."""
        return self._steps_behind

    def _gather(self) -> dict[str, provenance.StepPage]:
        project = self.project
        steps = [s for s in self.entries if not s.startswith("notebook:")]
        for step in list(steps):
            steps += project.ancestors(step)
        pages = {}
        for step in dict.fromkeys(steps):
            entry = self.entries.get(step) or project.used.get(step) or project.status(step)[0]
            if entry is None:
                continue
            node = project.graph[step]
            if step.startswith("figure:"):
                module = node.params["recipe"]
                source = entry.file("recipe.py").read_text(encoding="utf-8")  # the code that drew it
            else:
                module = node.compute.split(":")[0]
                source = _module_source(module)
            pages[step] = provenance.StepPage(
                step=step,
                record=entry.record,
                inputs=tuple(node.inputs),
                module=module,
                source=source,
                modules=tuple(entry.record.get("code", {})),
                summary=_summary(step, entry),
            )
        return pages

    def provenance_paths(self) -> list[str]:
        """The source paths of this build's provenance pages, the section's index first (none without figures)."""
        pages = self.provenance_pages()
        if not pages:
            return []
        return [
            provenance.INDEX,
            provenance.SHARED,
            *(provenance.page_path(s, p.record["key"]) for s, p in pages.items()),
        ]

    def provenance_files(self, url_of: Callable[[str], str]) -> dict[str, str]:
        """The Markdown of every provenance page, of the shared code and of the section's index, by source path.

        `url_of` gives the site URL of a page by its source path (known once the files exist).
        """
        pages = self.provenance_pages()
        if not pages:
            return {}

        def linker(here: str):
            return lambda step: urls.relative(
                url_of(provenance.page_path(step, pages[step].record["key"])), url_of(here)
            )

        texts = {}
        for step, page in pages.items():
            here = provenance.page_path(step, page.record["key"])
            texts[here] = provenance.step_page(page, pages, linker(here), self._code)
        main = {page.module for page in pages.values()}
        shared = sorted({m for page in pages.values() for m in page.modules if m not in main})
        texts[provenance.INDEX] = provenance.index_page(pages, linker(provenance.INDEX), shared)
        texts[provenance.SHARED] = provenance.shared_page({m: _module_source(m) for m in shared}, self._code)
        return texts

    def _code(self, source: str) -> str:
        """The placeholder of `source`, with its highlighting from the memo (or made and kept there)."""
        key = self.highlights.key(source) if self.highlights is not None else None
        found = self.highlights.get(key) if key is not None else None
        if not isinstance(found, str):
            found = computed.highlighted_python(source)
            if key is not None:
                self.highlights.put(key, found)
        return computed.code_placeholder(source, found)

    def finish(self) -> None:
        """Record in the cache's manifest which entries this build used, and keep the highlighted code."""
        if self.highlights is not None:
            try:
                self.highlights.save()
            except OSError as error:  # highlighted again next time; the site is right
                self.log.info("%s: not saved (%s)", self.highlights.path, error.strerror or error)
        if self.entries:
            self.project.cache.write_manifest({**self.project.used, **self.entries})


def _hashed(name: str, entry: Entry, file: str) -> str:
    """A name that carries a hash of the file's bytes."""
    stem, dot, suffix = file.rpartition(".")
    return f"{name}.{entry.digest(file)[:10]}.{stem.replace('/', '-')}{dot}{suffix}"


def _figure_files(entry: Entry) -> dict[str, Path]:
    """The site paths of a figure's images and data files, and their files in the cache."""
    name = entry.record["params"]["name"]
    found = {f"assets/figures/{_hashed(name, entry, f'{v}.png')}": entry.file(f"{v}.png") for v in ("light", "dark")}
    for data_file in entry.meta.get("data_files", []):
        found[f"assets/figures/{_hashed(name, entry, 'data/' + data_file)}"] = entry.file(f"data/{data_file}")
    return found


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
            filename=f"{params['name']}-{data_file}",
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
        made_page=urls.relative(provenance.page_path(step, entry.key), src_uri),
        downloads=downloads,
    )


def _module_source(module: str) -> str:
    """The source of a module of the figures package, as this build runs it."""
    return keys.module_path(module).read_text(encoding="utf-8")


def _summary(step: str, entry: Entry) -> str:
    """One line on what a step is, from what its entry recorded."""
    meta, params = entry.meta, entry.record.get("params", {})
    if step == "dataset":
        train, holdout = meta.get("train", 0), meta.get("holdout", 0)
        return f"{meta.get('source')} MNIST: {train:,} training and {holdout:,} held-out digits."
    if step == "model":
        return (
            f"A small convolutional network, {params.get('epochs')} epochs (seed {params.get('seed')}): "
            f"{100 * meta.get('holdout_accuracy', 0):.1f}% right on {meta.get('holdout_digits', 0):,} held-out digits."
        )
    if step == "predictions":
        return "The model's logits for every held-out digit."
    if step == "forest":
        return f"A random forest of {meta.get('trees')} trees and its two feature importances."
    if step.startswith(("shap[", "lime[")):
        method = "SHAP values (DeepExplainer)" if step.startswith("shap[") else "A LIME explanation over SLIC segments"
        return f"{method} of test digit {meta.get('index')}, a {meta.get('label')}."
    if step.startswith("figure:"):
        return f"The figure, drawn in both palettes, from {meta.get('provenance', 'its inputs')}."
    return ""
