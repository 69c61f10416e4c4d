"""How one build's figures were made: the provenance page of every cache step behind them.

`BuildProvenance` gathers, from the entries a build used (`explaining_machines.computed.pages`),
each step's record, inputs and the source of the module that computes it, and writes the
pages with `explaining_machines.computed.provenance`. The code they show is highlighted once
and kept between builds in a memo, by source and highlighter. Imports nothing from MkDocs.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping

from explaining_machines import computed, memo
from explaining_machines.computed import code, provenance
from figures import Project, keys
from figures.cache import Entry


class BuildProvenance:
    """The provenance pages of one build: its project and the entries its pages used."""

    def __init__(self, project: Project, entries: Mapping[str, Entry], log: logging.Logger | logging.LoggerAdapter):
        self.project = project
        self.entries = entries
        self.log = log
        self.highlights = memo.Memo(project.settings.cache_path / "memo" / "highlighted.json",
                                    memo.code_digest((code,), ("pygments",)))  # fmt: skip
        problem = self.highlights.load()
        if problem:
            log.info("%s %s", self.highlights.path, problem)

    @functools.cached_property
    def pages(self) -> dict[str, provenance.StepPage]:
        """The provenance page of every step behind this build's figures and values (not notebooks,
        which are pages of their own), by step name."""
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

    def index(self) -> str | None:
        """The Markdown of the section's index page (`provenance.INDEX`), or None without figures."""
        pages = self.pages
        if not pages:
            return None
        return provenance.index_page(pages, self._shared())

    def shell_pages(self, shell: str, shell_url: str, url_of: Callable[[str], str]) -> dict[str, str]:
        """Every step's page and the shared code, cut from `shell`, the index page's finished HTML
        served at the absolute `shell_url`; by site path. `url_of` gives a site path's absolute URL."""
        pages = self.pages
        found = {}
        for step, page in pages.items():
            path = provenance.page_path(step, page.record["key"])
            found[path] = provenance.from_shell(
                shell, shell_url, provenance.step_page(page, pages, self._code), url_of(path)
            )
        shared = provenance.shared_page({m: _module_source(m) for m in self._shared()}, self._code)
        found[provenance.SHARED] = provenance.from_shell(shell, shell_url, shared, url_of(provenance.SHARED))
        return found

    def _shared(self) -> list[str]:
        """The modules the steps' keys cover that compute no step themselves (shown on the shared page)."""
        main = {page.module for page in self.pages.values()}
        return sorted({m for page in self.pages.values() for m in page.modules if m not in main})

    def _code(self, source: str) -> str:
        """`source` highlighted, from the memo (or highlighted and kept there)."""
        key = self.highlights.key(source)
        found = self.highlights.get(key)
        if not isinstance(found, str):
            found = computed.highlighted_python(source)
            self.highlights.put(key, found)
        return found

    def finish(self) -> None:
        """Keep the highlighted code for the next build."""
        try:
            self.highlights.save()
        except OSError as error:  # highlighted again next time; the site is right
            self.log.info("%s: not saved (%s)", self.highlights.path, error.strerror or error)


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
    if step == "gallery":
        return (f"SHAP values (DeepExplainer) of {meta.get('digits')} test digits, {meta.get('misread')} of them "
                "misread by the model: the digits the interactive SHAP view offers.")  # fmt: skip
    if step.startswith(("shap[", "lime[")):
        method = "SHAP values (DeepExplainer)" if step.startswith("shap[") else "A LIME explanation over SLIC segments"
        return f"{method} of test digit {meta.get('index')}, a {meta.get('label')}."
    if step.startswith("figure:"):
        return f"The figure, drawn in both palettes, from {meta.get('provenance', 'its inputs')}."
    return ""
