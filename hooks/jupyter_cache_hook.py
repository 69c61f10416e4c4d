"""mkdocs-jupyter's render cache, trusted only as the last build left it (`explaining_machines.checks.notebook_cache`).

Events:

* ``on_pre_build`` removes every file of mkdocs-jupyter's cache folder that is not
  exactly what the last build recorded (truncated, foreign, never recorded), saying so at
  info level: mkdocs-jupyter then converts that notebook again, and the page is right.
* ``on_post_build`` (after mkdocs-jupyter has written its files and evicted stale ones)
  records the SHA-256 of each, in the project's cache folder.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority, get_plugin_logger

from explaining_machines.checks import notebook_cache

log = get_plugin_logger("notebooks")
RECORD = "jupyter-render.json"


def _folders(config: MkDocsConfig) -> tuple[Path, Path] | None:
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache", True):
        return None
    # mkdocs-jupyter resolves its cache folder against the working directory, as here.
    return Path(plugin.config["cache_dir"]), config.extra["project"].cache_path / RECORD


def on_pre_build(config: MkDocsConfig) -> None:
    folders = _folders(config)
    if folders is not None:
        for path, reason in notebook_cache.verify(*folders):
            log.info("%s: removed from mkdocs-jupyter's cache, %s; the notebook is converted again", path, reason)


@event_priority(-100)
def on_post_build(config: MkDocsConfig) -> None:
    folders = _folders(config)
    if folders is not None:
        notebook_cache.remember(*folders)
