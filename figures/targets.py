"""Targets: what a setting or the command line asks for, read one way; and how a step with parameters is named.

A target is a figure with its parameters, written as in a ``{% figure %}`` tag without
the braces (``shap-digit digit=3 index=2``), or a step as the log names it (``model``,
``shap[digit=3 index=2]``, ``figure:shap-digit[digit=3]``, ``notebook:notebooks/x.ipynb``).
`read` reads targets from one text (a ``figures.publish`` setting), `read_words` from
command-line words (``build shap-digit digit=3 model`` asks for two targets); both give
`Target`s, which `figures.graph.Project.step_of` turns into steps. `step_name` writes
the name of a step with parameters, in the form both read back. Values are YAML flow
values, read by `explaining_machines.arguments` as tags read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from explaining_machines import arguments
from figures.errors import FigureError

_KEY = re.compile(r"[A-Za-z_][\w-]*")
_BRACKETED = re.compile(r"(?P<base>[^\[\]\s]+)\[(?P<inside>.*)\]", re.DOTALL)
EXAMPLE = "lime-digit digit=3"


class TargetError(FigureError):
    """A target that cannot be read or has no step; the message says why."""


@dataclass(frozen=True)
class Target:
    """One target: a name (a figure, a step, or a step kind such as ``shap``) and the parameters given to it."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)
    written: str = ""  # as the author wrote it, for messages


def step_name(base: str, params: dict[str, Any]) -> str:
    """``base[name=value ...]``, values written as a tag writes them; `base` alone without parameters."""
    if not params:
        return base
    return f"{base}[{' '.join(f'{name}={arguments.literal(value)}' for name, value in params.items())}]"


def read(text: str) -> list[Target]:
    """The targets of one text: ``lime-digit digit=3``, ``figure:shap-digit[digit=3] model``."""
    try:
        return _group(arguments.split(text))
    except arguments.ArgumentError as error:
        raise TargetError(str(error)) from None


def read_words(words: list[str]) -> list[Target]:
    """The targets of command-line words: ``name=value`` gives a parameter to the target before it.

    Any other word is a name as it stands (the shell has split the words already, and a
    notebook's path may hold a space), except that brackets the shell split apart are
    joined again: ``shap[digit=3 index=2]`` unquoted is one target.
    """
    joined: list[str] = []
    for word in words:
        if joined and joined[-1].count("[") > joined[-1].count("]"):
            joined[-1] += " " + word
        else:
            joined.append(word)
    items: list[tuple[str | None, str]] = []
    for word in joined:
        name, equals, value = word.partition("=")
        items.append((name, value) if equals and _KEY.fullmatch(name) else (None, word))
    try:
        return _group(items)
    except arguments.ArgumentError as error:
        raise TargetError(str(error)) from None


def _group(items: list[tuple[str | None, str]]) -> list[Target]:
    targets: list[Target] = []
    for name, value in items:
        if name is None:
            targets.append(_target(value))
            continue
        if not targets:
            raise TargetError(f"'{name}={value}' comes before any figure name: write a figure's name first, "
                              f"then its parameters: {EXAMPLE}")  # fmt: skip
        last = targets[-1]
        if name in last.params:
            raise TargetError(f"{last.written}: '{name}' is given twice")
        last.params[name] = arguments.parse_value(value)
        targets[-1] = Target(last.name, last.params, f"{last.written} {name}={value}")
    return targets


def _target(text: str) -> Target:
    """A target's name as written: quoted or not, with its parameters in brackets or without."""
    name = arguments.parse_value(text) if text[:1] in "\"'" else text
    if not isinstance(name, str) or not name:
        raise TargetError(f"{text}: a figure's or step's name must be text, such as {EXAMPLE.split()[0]}")
    bracketed = _BRACKETED.fullmatch(name)
    if bracketed is None:
        return Target(name, {}, name)
    try:
        given = arguments.parse(bracketed["inside"])
    except arguments.ArgumentError as error:
        raise TargetError(f"{name}: {error}") from None
    if given.positional:
        raise TargetError(f"{name}: write each parameter in the brackets as name=value")
    return Target(bracketed["base"], given.named, name)
