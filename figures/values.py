"""Numbers that posts state about the model, read from the cache entries that recorded them.

``{% value "model.holdout_accuracy" %}`` in a post becomes ``97.4%``: the number the
model entry recorded when it was trained, so the prose can never go stale when the
model is retrained. Each name says which step records it and what kind of number it is;
the kind decides the default format (a share as ``97.4%``, a count as ``4,500``).
``python -m figures values`` lists every name with its current value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from explaining_machines.errors import did_you_mean
from figures.errors import FigureError
from figures.names import DATASET, FOREST, LIME, MODEL, SHAP

if TYPE_CHECKING:
    from figures.graph import Project

KINDS = ("share", "count", "number", "seconds")


class ValueNameError(FigureError):
    """An unknown value name, or a format that does not apply; the message says which."""


@dataclass(frozen=True)
class Value:
    """A number a step records: where it is (the step's meta, or its parameters) and its kind."""

    name: str
    step: str  # a step, or with `explains` the kind of explanation ("shap", "lime")
    field: str  # a key of the entry's meta, or "params.<key>"
    kind: str  # one of KINDS
    help: str
    needs_test_set: bool = False
    explains: int | None = None  # the label of the explained test digit: the first one, as posts show it


VALUES = (
    Value("dataset.train_digits", DATASET, "train", "count", "digits the model is trained on"),
    Value("dataset.holdout_digits", DATASET, "holdout", "count", "training digits kept aside to measure accuracy"),
    Value("dataset.test_digits", DATASET, "test", "count", "digits of the official test set", True),
    Value("model.holdout_accuracy", MODEL, "holdout_accuracy", "share", "accuracy on the held-out digits"),
    Value("model.test_accuracy", MODEL, "test_accuracy", "share", "accuracy on the official test set", True),
    Value("model.epochs", MODEL, "params.epochs", "count", "training epochs"),
    Value("model.train_seconds", MODEL, "train_seconds", "seconds", "time spent training"),
    Value("forest.holdout_accuracy", FOREST, "accuracy", "share", "the random forest's held-out accuracy"),
    Value("forest.trees", FOREST, "trees", "count", "trees in the random forest"),
    Value("shap.background", SHAP, "background", "count", "training digits in SHAP's background", explains=7),
    Value(
        "shap.local_accuracy_error",
        SHAP,
        "local_accuracy_error",
        "number",
        "largest gap between SHAP sum and logit, for the first test seven",
        explains=7,
    ),  # fmt: skip
    Value("lime.fit_r2", LIME, "score", "number", "R² of LIME's local fit, for the first test seven", explains=7),
    Value("lime.samples", LIME, "samples", "count", "perturbed images LIME asks the model about", explains=7),
)


def known(project: Project) -> dict[str, Value]:
    """The values this site has: those of the official test set only when one is configured."""
    has_test = project.settings.data.test_path is not None
    return {value.name: value for value in VALUES if has_test or not value.needs_test_set}


def lookup(project: Project, name: str) -> Value:
    """The value called `name`; `ValueNameError` with a did-you-mean otherwise."""
    values = known(project)
    if name in values:
        return values[name]
    needs_test = {value.name for value in VALUES if value.needs_test_set}
    if name in needs_test:
        raise ValueNameError(f"'{name}' is measured on the official MNIST test set: set extra.project.data.test_path "
                             f"to a folder with its t10k IDX files (see the README)")  # fmt: skip
    hint = did_you_mean(name, values)
    test = "" if project.settings.data.test_path else "; the official test set's values need data.test_path"
    raise ValueNameError(f"unknown value '{name}'{hint} (known: {', '.join(sorted(values))}){test}")


def step_of(project: Project, value: Value) -> str:
    """The step whose entry records `value`, added to the graph if it is an explanation."""
    return value.step if value.explains is None else project.explanation(value.step, value.explains)


def read(entry, value: Value) -> float | int:
    """The number itself, from a cache entry of the value's step."""
    if value.field.startswith("params."):
        return entry.record["params"][value.field.removeprefix("params.")]
    return entry.meta[value.field]


# Python's format specification: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC = re.compile(
    r"(?:(?P<fill>.)?[<>=^])?[-+ ]?z?#?0?(?P<width>[0-9]+)?[,_]?(?:\.(?P<precision>[0-9]+))?"
    r"(?P<type>[bcdeEfFgGnosxX%])?",
    re.DOTALL,
)
MAX_WIDTH = 40  # a number in prose is never wider; a width of millions would put megabytes in the page
MAX_PRECISION = 15  # what a float carries


def formatted(number: float | int, kind: str, spec: str | None = None) -> str:
    """`number` as prose shows it: by its kind, or by a Python format `spec` such as ``.2%``.

    A spec that cannot be right is refused: a percentage of anything but a share (a count
    of 4,500 would read 450000.00%), a width over `MAX_WIDTH` or a precision over
    `MAX_PRECISION`."""
    if spec is not None:
        parts = _SPEC.fullmatch(spec)
        if parts is None:
            raise ValueNameError(f"format {spec!r} is no Python format specification such as '.2%' or ',d'")
        if parts["type"] == "%" and kind != "share":
            raise ValueNameError(f"format {spec!r} shows a share as a percentage, but this value is a {kind}")
        if int(parts["width"] or 0) > MAX_WIDTH or int(parts["precision"] or 0) > MAX_PRECISION:
            raise ValueNameError(f"format {spec!r} asks for more than {MAX_WIDTH} characters or {MAX_PRECISION} digits")
        try:
            return format(number, spec)
        except ValueError as error:
            raise ValueNameError(f"format {spec!r} does not apply to {number!r}: {error}") from None
    if kind == "share":
        return f"{100 * number:.1f}%"
    if kind == "count":
        return f"{int(number):,}"
    if kind == "seconds":
        return f"{number:.0f} s"
    return f"{number:.2f}" if abs(number) >= 0.01 or number == 0 else f"{number:.1e}"
