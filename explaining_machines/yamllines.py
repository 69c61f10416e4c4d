"""Where a key of a YAML file stands: the line of ``extra.project.figures.publish`` in mkdocs.yml.

MkDocs reads mkdocs.yml into plain mappings, which keep no lines and silently keep the
last of two equal keys. Messages about settings name their line, so this reads the file
once more as PyYAML's node tree (composing, not constructing: MkDocs' ``!ENV`` and
``!!python/name`` tags need no constructor), which keeps every key with its line,
duplicates included. Imports nothing from MkDocs.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml


@functools.lru_cache(maxsize=8)
def _tree(path: Path, mtime_ns: int) -> yaml.Node | None:
    try:
        # libyaml's parser where PyYAML has it: the pure-Python one takes tens of milliseconds.
        return yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None  # MkDocs has read it, or reports why it cannot: no line then


def _root(path: Path) -> yaml.Node | None:
    try:
        return _tree(path, path.stat().st_mtime_ns)
    except OSError:
        return None


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of `key` in the mapping `node` (the last, as YAML readers keep it)."""
    if not isinstance(node, yaml.MappingNode):
        return None
    found = [value for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key]
    return found[-1] if found else None


def keys(path: Path, *where: str) -> list[tuple[str, int]]:
    """The keys of the mapping at `where` in the YAML file `path`, in the file's order with
    their 1-based lines, a key written twice listed twice; [] when there is none."""
    node = _root(path)
    for key in where:
        node = _child(node, key)
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(name.value, name.start_mark.line + 1) for name, _ in node.value if isinstance(name, yaml.ScalarNode)]


def line(path: Path, dotted: str) -> int | None:
    """The line of the deepest key of `dotted` (``extra.project.model.epochs``) that the file
    has, or None when it has not even the first."""
    node, found = _root(path), None
    for key in dotted.split("."):
        if not isinstance(node, yaml.MappingNode):
            break
        named = [(name, value) for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key]
        if not named:
            break
        name, node = named[-1]
        found = name.start_mark.line + 1
    return found
