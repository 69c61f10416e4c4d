"""Arguments of tags and of the command line: ``"name" key=value ...`` with YAML flow values.

A value is written as YAML writes it in flow style: a number (``3``, ``0.5``),
``true`` or ``false``, a quoted string (``"a caption"``, ``'x'``), or a list in
brackets (``[3, 4, 8, 9]``). PyYAML reads each value, with one change: only
``true`` and ``false`` are booleans (YAML 1.1 would also read ``yes``, ``no``,
``on`` and ``off`` as booleans, a surprise in a figure tag), and numbers are those of
YAML 1.2's core schema: ``010`` is ten, not eight (PyYAML reads YAML 1.1, where a
leading zero means octal, ``1_0`` is 10 and ``1:05`` is 65); ``1:05`` and ``1_0`` are
text, which the parameter's check then refuses. The same parser serves
``{% figure %}`` tags and ``python -m figures build NAME key=value``, so the two
cannot drift apart. Imports nothing from MkDocs.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml


class ArgumentError(ValueError):
    """Arguments that cannot be read; the message says what is wrong."""


class _FlowLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with YAML 1.2's core schema for booleans and numbers."""


_BOOL, _INT, _FLOAT = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_FlowLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# The core schema's patterns (YAML 1.2.2, section 10.3.2).
_INT_12 = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_12 = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_FlowLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FlowLoader.add_implicit_resolver(_INT, _INT_12, list("-+0123456789"))
_FlowLoader.add_implicit_resolver(_FLOAT, _FLOAT_12, list("-+.0123456789"))


def _int_12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)  # a leading zero is a decimal digit


def _float_12(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    return float(text.replace(".inf", "inf").replace(".nan", "nan"))


_FlowLoader.add_constructor(_INT, _int_12)
_FlowLoader.add_constructor(_FLOAT, _float_12)

_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


@dataclass
class Arguments:
    """The values of a tag or command: positional ones in order, and named ones."""

    positional: list[Any] = field(default_factory=list)
    named: dict[str, Any] = field(default_factory=dict)


def parse_value(text: str) -> Any:
    """One YAML flow value: a number, true/false, a quoted string or a list of those."""
    value = _read(text)
    return copy.deepcopy(value) if isinstance(value, list) else value  # the caller may change its list


@functools.lru_cache(maxsize=4096)
def _read(text: str) -> Any:
    """`parse_value`, once per distinct text: a blog repeats its tags' values in every post."""
    try:
        value = yaml.load(text, Loader=_FlowLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or "not a YAML value"
        raise ArgumentError(f"cannot read the value {text!r}: {problem}") from None
    if not _plain(value):
        raise ArgumentError(
            f"cannot read the value {text!r}: write a number, true or false, a quoted string or a list in brackets"
        )
    return value


def _plain(value: Any) -> bool:
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return isinstance(value, (bool, int, float, str))


def split(text: str) -> list[tuple[str | None, str]]:
    """Split arguments into (name or None, value text), honouring quotes and brackets.

    ``"a" b=[1, 2] c="x y"`` gives ``[(None, '"a"'), ("b", "[1, 2]"), ("c", '"x y"')]``.
    """
    items: list[tuple[str | None, str]] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return items
        name = None
        key = _KEY.match(text, i)
        if key and key.end() < n and text[key.end()] == "=":
            name, i = key.group(), key.end() + 1
            if i >= n or text[i].isspace():
                raise ArgumentError(f"'{name}=' needs a value")
        end = _value_end(text, i)
        items.append((name, text[i:end]))
        if end < n and not text[end].isspace():
            raise ArgumentError(f"expected a space after {text[i:end]!r}")
        i = end


def _value_end(text: str, start: int) -> int:
    """Where the value starting at `start` ends: its closing quote, its closing bracket, or a space."""
    depth, quote, i = 0, None, start
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 2
                continue
            if char == quote:
                if quote == "'" and text[i + 1 : i + 2] == "'":  # '' inside '...' is a quote
                    i += 2
                    continue
                quote = None
                if depth == 0:
                    return i + 1
        elif char in "\"'" and (i == start or depth > 0):
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i + 1
            if depth < 0:
                raise ArgumentError(f"unbalanced ']' in {text[start:]!r}")
        elif char.isspace() and depth == 0:
            return i
        i += 1
    if quote:
        raise ArgumentError(f"unclosed quote in {text[start:]!r}")
    if depth:
        raise ArgumentError(f"unclosed '[' in {text[start:]!r}")
    return i


def parse(text: str) -> Arguments:
    """Read a tag's or command's arguments; a name given twice is an error."""
    arguments = Arguments()
    for name, value in split(text):
        parsed = parse_value(value)
        if name is None:
            if arguments.named:
                raise ArgumentError(f"{value} comes after named values; put it first")
            arguments.positional.append(parsed)
        elif name in arguments.named:
            raise ArgumentError(f"'{name}' is given twice")
        else:
            arguments.named[name] = parsed
    return arguments


def literal(value: Any) -> str:
    """A value as a tag writes it: 3, true, "text", [3, 4]."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(literal(item) for item in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)
