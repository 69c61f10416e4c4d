"""Figure recipes: one module each, found by `discover`; dropping a file here is all it takes.

A recipe module declares, as plain literals at the top::

    INPUTS = ("predictions", "shap[digit]")   # the cache steps it reads
    PARAMETERS = {                            # what a {% figure %} tag may set
        "normalize": {"type": "bool", "default": False, "help": "..."},
    }

An input is a step (``dataset``, ``model``, ``predictions``, ``forest``) or an
explanation of test digits chosen by the figure's own parameters: ``shap[digit]`` and
``lime[digit]`` explain the digit that the parameters ``digit``, ``index`` and
``misclassified`` choose; ``shap[digits]`` explains the first test digit of each label
in the parameter ``digits``.

and defines ``load(inputs, params) -> data``, ``draw(data, params, palette) -> Figure``
and ``alt(data, params) -> str``. A recipe that also defines ``view(data, params)`` (an
interactive view, `figures.views`) says with ``INTERACTIVE = True`` or ``False`` whether
pages show it unless a tag says otherwise (``interactive=false``, ``interactive=true``).
A recipe gets arrays and parameters and returns a matplotlib Figure; it never calls
``plt.show()`` and never closes the figure (``figures.render`` does). The figure's name is the module's, with dashes.

The declarations are read from the module's syntax tree, not by importing it: a
build whose figures are all cached never imports matplotlib or the recipes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from explaining_machines.errors import did_you_mean
from figures import names
from figures.errors import FigureError

FOLDER = Path(__file__).resolve().parent
TYPES = ("int", "bool", "digits")
# The parameters an explanation input is chosen by, for each way of choosing.
SELECTORS = {"digit": ("digit", "index", "misclassified"), "digits": ("digits",)}
_INPUT = re.compile(r"(?P<base>[a-z]+)(?:\[(?P<selector>[a-z]+)\])?")


class RecipeError(FigureError):
    """A recipe module's declaration, or a parameter given to it, is wrong."""


@dataclass(frozen=True)
class Parameter:
    """One parameter a recipe accepts: its type, default and bounds."""

    name: str
    type: str  # one of TYPES
    default: Any
    minimum: int | None = None
    maximum: int | None = None
    help: str = ""

    def accepts(self) -> str:
        """What the parameter takes, in words."""
        if self.type == "bool":
            return "true or false"
        if self.type == "digits":
            least = f"at least {self.minimum} " if self.minimum else ""
            return f"a list of {least}digits from 0 to 9, each once, such as [3, 4, 8, 9]"
        if self.minimum is not None and self.maximum is not None:
            return f"a whole number from {self.minimum} to {self.maximum}"
        if self.minimum is not None:
            return f"a whole number from {self.minimum} up"
        return "a whole number"

    def check(self, value: Any) -> Any:
        """`value` if the parameter accepts it, else `RecipeError` saying what it accepts."""
        if self.type == "bool":
            good = isinstance(value, bool)
        elif self.type == "digits":
            good = (
                isinstance(value, list)
                and len(value) >= (self.minimum or 1)
                and len(set(value)) == len(value)
                and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 9 for v in value)
            )
        else:
            good = (
                isinstance(value, int)
                and not isinstance(value, bool)
                and (self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum)
            )
        if not good:
            raise RecipeError(f"'{self.name}' must be {self.accepts()}, got {_shown(value)}")
        return list(value) if self.type == "digits" else value


@dataclass(frozen=True)
class Input:
    """A declared input: a step (`selector` None) or explanations chosen by parameters."""

    base: str
    selector: str | None = None


@dataclass(frozen=True)
class Recipe:
    """What a recipe module declares: its figure name, inputs and parameters."""

    name: str
    module: str
    inputs: tuple[Input, ...]
    parameters: dict[str, Parameter]
    summary: str
    interactive: bool | None = None  # None: no view; else whether pages show it by default

    def resolve(self, given: dict[str, Any]) -> dict[str, Any]:
        """Every parameter's value: `given` checked, the rest defaults. Raises `RecipeError`."""
        for name in given:
            if name not in self.parameters:
                raise RecipeError(unknown_message("parameter", name, self.parameters, f" of figure '{self.name}'"))
        return {name: p.check(given[name]) if name in given else p.default for name, p in self.parameters.items()}


def unknown_message(what: str, name: str, known, where: str = "") -> str:
    """``unknown parameter 'x' of figure 'y'; did you mean 'z'? known: ...`` (one style everywhere)."""
    listed = ", ".join(sorted(known)) or "none"
    return f"unknown {what} '{name}'{where}{did_you_mean(name, known)} (known: {listed})"


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def discover() -> dict[str, Recipe]:
    """Every recipe in this folder, by figure name."""
    recipes = {}
    for path in sorted(FOLDER.glob("*.py")):
        if path.name.startswith("_"):
            continue
        recipe = _declaration(path.stem, path.read_text(encoding="utf-8"))
        recipes[recipe.name] = recipe
    return recipes


@lru_cache(maxsize=64)
def _declaration(stem: str, source: str) -> Recipe:
    """Read INPUTS, PARAMETERS and the docstring from a recipe's source (memoised on the text)."""
    where = f"figures/recipes/{stem}.py"
    tree = ast.parse(source, filename=where)
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("INPUTS", "PARAMETERS", "INTERACTIVE"):
                try:
                    found[name] = ast.literal_eval(node.value)
                except ValueError:
                    raise RecipeError(f"{where}:{node.lineno}: {name} must be a plain literal") from None
    if not isinstance(found.get("INPUTS"), tuple) or not found["INPUTS"]:
        raise RecipeError(f'{where}: declares no INPUTS = ("step", ...)')
    parameters = {}
    for name, spec in (found.get("PARAMETERS") or {}).items():
        if not isinstance(spec, dict) or spec.get("type") not in TYPES or "default" not in spec:
            raise RecipeError(f"{where}: parameter '{name}' needs a type ({', '.join(TYPES)}) and a default")
        parameters[name] = Parameter(
            name, spec["type"], spec["default"], spec.get("min"), spec.get("max"), spec.get("help", "")
        )
    inputs = tuple(_input(text, parameters, where) for text in found["INPUTS"])
    summary = (ast.get_docstring(tree) or "").split("\n\n")[0].replace("\n", " ")
    has_view = any(isinstance(node, ast.FunctionDef) and node.name == "view" for node in tree.body)
    interactive = found.get("INTERACTIVE")
    if has_view and not isinstance(interactive, bool):
        raise RecipeError(f"{where}: defines view() but no INTERACTIVE = True or False (shown by default or not)")
    if not has_view and interactive is not None:
        raise RecipeError(f"{where}: declares INTERACTIVE but defines no view(data, params)")
    name = stem.replace("_", "-")
    return Recipe(name, f"figures.recipes.{stem}", inputs, parameters, summary, interactive if has_view else None)


def _input(text: Any, parameters: dict[str, Parameter], where: str) -> Input:
    """One declared input, checked: a known step, or an explanation chosen by declared parameters."""
    match = _INPUT.fullmatch(text) if isinstance(text, str) else None
    known = ", ".join([*names.STEPS, *(f"{kind}[{way}]" for kind in names.EXPLANATIONS for way in SELECTORS)])
    if match is None:
        raise RecipeError(f"{where}: unknown input {text!r} (known: {known})")
    base, selector = match["base"], match["selector"]
    if (selector is None and base not in names.STEPS) or (
        selector and (base not in names.EXPLANATIONS or selector not in SELECTORS)
    ):
        raise RecipeError(f"{where}: unknown input {text!r} (known: {known})")
    missing = [name for name in SELECTORS.get(selector, ()) if name not in parameters]
    if missing:
        raise RecipeError(f"{where}: input {text!r} needs the parameters {', '.join(missing)}")
    return Input(base, selector)
