"""The figures of one site: its settings, the graph of its cache steps, and how each step's entry is obtained.

`Project` holds the graph (`figures.steps` makes its steps: data, model, predictions,
the forest, one step per explained digit, per figure and parameter set, per notebook),
the recipes (`figures.recipes.discover`) and the cache. It answers what a build, the
command line and a notebook ask: the step of a figure tag (`figure_step`), of a
target (`step_of`, read by `figures.targets`), the stable addresses of
``figures.publish`` (`figures.publish`), the order of work (`figures.schedule`), and
each step's key, state and entry (`figures.entries`: keys chained on what the inputs
hold, so `ensure` computes a step, inputs first, only when nothing cached answers it,
importing TensorFlow only then).

Figure steps are named ``figure:NAME`` for the defaults and ``figure:NAME[param=value ...]``
otherwise (the parameters that differ, written as in a tag); explanation steps
``shap[digit=3 index=2 misclassified=true]``; notebook steps ``notebook:PATH``. A new
figure parameter set adds explanation steps for new digits only; it never retrains
the model.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explaining_machines.settings import ProjectSettings
from figures import data, publish, recipes, remote, schedule, steps, targets
from figures.cache import Cache, Entry
from figures.entries import Entries, State
from figures.errors import FigureError
from figures.names import EXPLANATIONS, FIGURE, NOTEBOOK
from figures.steps import Step

default_log = logging.getLogger("figures")
# How an explanation step chooses its test digit: the parameters a figure tag chooses it by.
CHOICE = {
    "digit": recipes.Parameter("digit", "int", None, 0, 9),
    "index": recipes.Parameter("index", "int", 0, 0),
    "misclassified": recipes.Parameter("misclassified", "bool", False),
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
    entries: Entries = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self.graph = steps.base(self.settings)
        except data.DataError as error:
            raise FigureError(str(error)) from None
        self.cache = Cache(self.settings.cache_path, remote.open_remote(self.settings.remote_cache))
        self.entries = Entries(self)
        self.recipes = recipes.discover()
        for name in self.recipes:
            self.figure_step(name)
        for src_uri, path in self.notebooks.items():
            self.notebook_step(src_uri, path)

    # ------------------------------------------------------------------ the graph

    def figure_step(self, name: str, given: dict[str, Any] | None = None) -> str:
        """The step of figure `name` with parameters `given` (checked; the rest default), added if new.

        Raises `recipes.RecipeError` for an unknown figure or a bad parameter.
        """
        recipe = self.recipes.get(name)
        if recipe is None:
            raise recipes.RecipeError(recipes.unknown_message("figure", name, self.recipes))
        params = recipe.resolve(given or {})
        changed = {k: v for k, v in params.items() if v != recipe.parameters[k].default}
        step = targets.step_name(FIGURE + name, changed)
        if step not in self.graph:
            bindings = {declared.base: self._bind(declared, params) for declared in recipe.inputs}
            self.graph[step] = steps.figure(step, recipe, params, bindings, self.settings.figures.dpi)
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
        choice = {"digit": digit, "index": index, "misclassified": misclassified}
        step = targets.step_name(kind, {k: v for k, v in choice.items() if k == "digit" or v != CHOICE[k].default})
        if step not in self.graph:
            self.graph[step] = steps.explanation(step, kind, choice, self.settings)
        return step

    def notebook_step(self, src_uri: str, path: Path) -> str:
        """The step that executes the notebook at `path` (`src_uri` inside the docs folder), added if new."""
        step = NOTEBOOK + src_uri
        self.graph[step] = steps.notebook(step, src_uri, path, self.settings)
        self.notebooks[src_uri] = path
        return step

    def step_of(self, target: targets.Target, figures_only: bool = False) -> str:
        """The step a target names (added if new); `targets.TargetError` or `recipes.RecipeError` if none."""
        figure = target.name.removeprefix(FIGURE)
        if figures_only:
            return self.figure_step(figure, target.params)
        if target.written in self.graph and not target.params:  # a step's whole name, brackets and all
            return target.written
        if figure in self.recipes or target.name.startswith(FIGURE):
            return self.figure_step(figure, target.params)
        if target.name in EXPLANATIONS:
            for name in target.params:
                if name not in CHOICE:
                    raise targets.TargetError(recipes.unknown_message("parameter", name, CHOICE, f" of {target.name}"))
            if "digit" not in target.params:
                raise targets.TargetError(f"{target.name} explains one test digit: write {target.name}[digit=3]")
            choice = {name: CHOICE[name].check(value) for name, value in target.params.items()}
            return self.explanation(target.name, **choice)
        if target.name in self.graph:
            if target.params:
                raise targets.TargetError(f"'{target.name}' is not a figure, so it takes no parameters")
            return target.name
        known = sorted(self.recipes) + [s for s in self.graph if not s.startswith(FIGURE)]
        raise targets.TargetError(recipes.unknown_message("figure or step", target.name, known))

    def steps_of(self, words: list[str]) -> list[str]:
        """The steps of command-line words (``shap-digit digit=3 model``), each target's message prefixed."""
        found = []
        for target in targets.read_words(words):
            try:
                found.append(self.step_of(target))
            except FigureError as error:
                raise type(error)(f"{target.written}: {error}") from None
        return found

    def published(self) -> dict[str, str]:
        """The stable addresses of ``figures.publish``: a path in the site for each, and its step."""
        return publish.published(self)

    def default_targets(self) -> list[str]:
        """Every figure with its default parameters, and every notebook."""
        return [FIGURE + name for name in self.recipes] + [s for s in self.graph if s.startswith(NOTEBOOK)]

    # ------------------------------------------------------------------ work

    def ancestors(self, name: str) -> list[str]:
        """`name`'s inputs and theirs, each once, inputs before the steps that use them."""
        return schedule.ancestors(self.graph, name)

    def plan(self, names: list[str]) -> list[str]:
        """The steps behind `names` (steps, or targets as `steps_of` reads them), inputs first."""
        return schedule.plan(self, self._steps(names))

    def independent_groups(self, names: list[str], at_most: int = 2) -> list[list[str]]:
        """`names` in at most `at_most` groups that share no step still to compute (`figures.schedule`)."""
        return schedule.independent_groups(self, self._steps(names), at_most)

    def build(self, names: list[str]) -> None:
        """Ensure every step behind `names`, inputs first."""
        for step in self.plan(names):
            self.ensure(step)

    def _steps(self, names: list[str]) -> list[str]:
        return [name if name in self.graph else self.steps_of([name])[0] for name in names]

    # ------------------------------------------------------------------ keys and entries

    @property
    def used(self) -> dict[str, Entry]:
        """Every entry this build verified: those it shows and those their keys chain on."""
        return self.entries.used

    def key(self, name: str) -> tuple[str, dict[str, Any]] | None:
        """The key of step `name` and what it was made from; None while an entry upstream is missing."""
        return self.entries.key(name)

    def state(self, name: str) -> State:
        """Where step `name` stands: its cached entry, why it must be computed, or what it waits for."""
        return self.entries.state(name)

    def status(self, name: str) -> tuple[Entry | None, str]:
        """The cached entry of a step, or None and why not (``waits for model`` while its key is unknown)."""
        state = self.entries.state(name)
        return state.entry, state.reason

    def ensure(self, name: str) -> Entry:
        """The entry of step `name`, from the cache or computed (with its missing inputs)."""
        return self.entries.ensure(name)
