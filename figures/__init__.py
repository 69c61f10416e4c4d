"""Computed figures for the site: data, model, explanations and plots, cached by content.

Plain Python with no MkDocs in it. `open_project` reads the ``extra.project`` block
of an mkdocs.yml and returns a `Project`, whose `figure(name)` gives a cache entry
holding ``light.png`` and ``dark.png``. ``python -m figures`` is the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from figures.pipeline import FIGURES, FigureError, Project
from figures.settings import Settings, SettingsError, from_mapping

__all__ = ["FIGURES", "FigureError", "Project", "Settings", "SettingsError", "open_project", "read_settings"]


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its ``!!python/name`` and ``!ENV`` tags."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_settings(config_file: Path) -> Settings:
    """The validated figure settings of an mkdocs.yml."""
    with config_file.open(encoding="utf-8") as handle:
        config: Any = yaml.load(handle, Loader=_TolerantLoader) or {}
    raw = (config.get("extra") or {}).get("project") or {}
    return from_mapping(raw, config_file.resolve().parent)


def open_project(config_file: str | Path = "mkdocs.yml") -> Project:
    return Project(read_settings(Path(config_file)))
