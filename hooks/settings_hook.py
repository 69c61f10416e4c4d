"""Validate the project settings (``extra.project`` in mkdocs.yml) before anything runs.

Events: ``on_config`` only, at a high priority so that every other hook of the project
can rely on ``config.extra["project"]`` being a validated `ProjectSettings`. A typo
or a wrong value stops the build at once with the key's full name and the values it
accepts. Citation settings use MkDocs' own config classes; the figure settings are
checked by ``figures.settings``, which ``python -m figures`` shares.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.plugins import event_priority

from bibliography import LABELS, STYLES

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project root, for figures
from figures.settings import Settings, SettingsError, from_mapping  # noqa: E402

PREFIX = "extra.project"


class CitationConfig(base.Config):
    """``extra.project.citations``: how citations and reference lists look."""

    bibliography = c.ListOfItems(c.Type(str), default=["references.bib"])
    style = c.Choice(STYLES, default="numbered")
    labels = c.Choice(LABELS, default="number")
    heading = c.Type(str, default="References")


@dataclass(frozen=True)
class ProjectSettings:
    """All validated project settings."""

    root: Path
    citations: CitationConfig
    figures: Settings


def validate(raw: object, root: Path) -> ProjectSettings:
    """Validate the raw ``extra.project`` mapping; raises ConfigurationError naming the key."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{PREFIX}: expected a mapping, got {type(raw).__name__}")
    known = {"cache_dir", "citations", "data", "model", "figures"}
    for key in raw:
        if key not in known:
            raise ConfigurationError(
                f"{PREFIX}.{key}: unknown setting; known settings: {', '.join(sorted(known))}"
            )
    citations = CitationConfig()
    cite_raw = raw.get("citations") or {}
    if isinstance(cite_raw.get("bibliography"), str):
        cite_raw = {**cite_raw, "bibliography": [cite_raw["bibliography"]]}
    citations.load_dict(cite_raw)
    failed, warnings = citations.validate()
    for key, error in failed + warnings:  # an unknown key is only a warning to MkDocs
        raise ConfigurationError(f"{PREFIX}.citations.{key}: {error}")
    try:
        figure_settings = from_mapping(raw, root, PREFIX)
    except SettingsError as error:
        raise ConfigurationError(str(error)) from None
    return ProjectSettings(root=root, citations=citations, figures=figure_settings)


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = Path(config.config_file_path).resolve().parent
    config.extra["project"] = validate(config.extra.get("project"), root)
    return config
