"""Computed figures for the site: data, model, explanations and plots, cached by content.

Plain Python with no MkDocs in it. `open_project` reads an mkdocs.yml (its
``extra.project`` block and its docs folder) and returns a `Project`
(`figures.graph`), whose `ensure(step)` gives a cache entry; a figure's entry holds
``light.png`` and ``dark.png``, read as a `figures.results.FigureResult`. Every error
the figures report is a `FigureError`. ``python -m figures`` is the command line.

Where things are:

* the steps and how they run: `figures.names` (their names), `figures.steps` (each
  step), `figures.graph` (the project), `figures.targets` (reading what is asked for),
  `figures.publish` (stable addresses), `figures.schedule` (order, parallel groups),
  `figures.workers` (child processes), `figures.runtime` (TensorFlow's environment);
* the cache: `figures.keys` (what a key covers), `figures.entries` (keys chained on
  inputs' outputs, lookups, computing), `figures.cache` (entries on disk),
  `figures.digests` (file digests remembered between builds); the shared cache:
  `figures.remote` (an object store, create-only), `figures.records` (what a remote
  record must be), `figures.sharing` (``pull``, ``push``, ``remote``);
* the computations: `figures.data` and `figures.dataset` (the digits), `figures.model`,
  `figures.shap_values`, `figures.lime_segments`, `figures.forest`, `figures.notebooks`;
* the figures: `figures.recipes` (one module per figure), `figures.render`,
  `figures.style`, `figures.export`, `figures.results`, `figures.values` (numbers posts state).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag

from explaining_machines.settings import ProjectSettings, SettingsError, load
from figures.errors import FigureError
from figures.graph import Project
from figures.steps import notebooks_in

__all__ = ["FigureError", "Project", "SettingsError", "open_project", "read_config"]


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without executing its ``!!python/name`` tags; ``!ENV`` as MkDocs reads it.

    ``!ENV`` is read by the library MkDocs reads it with (pyyaml-env-tag), so that
    ``remote_cache.write: !ENV [FIGURES_REMOTE_WRITE, false]`` means the same to
    ``python -m figures`` as to the build.
    """


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TolerantLoader.add_constructor("!ENV", construct_env_tag)


def read_config(config_file: Path) -> tuple[ProjectSettings, Path]:
    """The validated project settings of an mkdocs.yml, and its docs folder."""
    with config_file.open(encoding="utf-8") as handle:
        config: Any = yaml.load(handle, Loader=_TolerantLoader) or {}
    root = config_file.resolve().parent
    settings = load((config.get("extra") or {}).get("project"), root, config_file.name)
    return settings, root / (config.get("docs_dir") or "docs")


def open_project(config_file: str | Path = "mkdocs.yml") -> Project:
    settings, docs_dir = read_config(Path(config_file))
    return Project(settings, notebooks_in(docs_dir))
