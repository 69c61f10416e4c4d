"""Validate the project settings (``extra.project`` in mkdocs.yml) before anything runs.

Events: ``on_config`` only, at a high priority, so that every other hook of the
project, whatever its place in ``hooks:``, finds ``config.extra["project"]`` to be a
validated `ProjectSettings`. The schema and its messages live in
`explaining_machines.settings`, which ``python -m figures`` shares: a typo or a
wrong value stops the build at once with the key's full name and what it accepts.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from explaining_machines.settings import SettingsError, load


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    path = Path(config.config_file_path).resolve()
    try:
        config.extra["project"] = load(config.extra.get("project"), path.parent, path.name)
    except SettingsError as error:
        raise PluginError(str(error)) from None
    return config
