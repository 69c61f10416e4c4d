"""Computed figures and executed notebooks, from the content-addressed cache.

Events:

* ``on_config`` opens the figure project (``figures``) from the validated settings.
* ``on_serve`` watches ``figures/`` so that editing a recipe rebuilds the site.
* ``on_files`` reads every page for ``{% figure %}`` tags (an unknown name fails
  with page, line and the known names), looks each figure up in the cache by key
  and, only if something is missing or stale, runs ``python -m figures build`` in
  child processes (one per independent group of steps, in parallel), relaying
  their logs. The children are where TensorFlow gets imported; a warm build never
  loads it, and `serve` always runs current recipe code. Each figure's PNGs are
  added with ``File.generated``: nothing is written into docs/. Notebooks are
  executed through the cache too (`figures.notebooks`), as soon as the entries
  they load exist.
* ``on_page_markdown`` (before citations, so captions may cite) replaces the tags.
* ``on_post_build`` writes the cache manifest and drops per-build state.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from figures import FIGURES, FigureError, Project
from figures.cache import CacheError, Entry
from figures.notebooks import UPSTREAM, NotebookError, execute_cached

import figure_tags
import frontmatter

log = get_plugin_logger("figures")
_state: dict = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = config.extra["project"].figures
    try:
        _state["project"] = Project(settings)
    except FigureError as error:
        raise PluginError(f"mkdocs.yml: extra.project.data: {error}") from None
    _state["config_file"] = config.config_file_path
    _state["tags"] = {}
    _state["images"] = {}
    return config


def on_serve(server, config: MkDocsConfig, builder, **_):
    server.watch(str(Path(__file__).resolve().parent.parent / "figures"))
    return server


def _where(file: File, root: Path) -> str:
    return os.path.relpath(file.abs_src_path, root)


def _collect_tags(files: Files, root: Path) -> dict[str, list[figure_tags.FigureTag]]:
    found = {}
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None:
            continue
        raw = file.content_string
        if "figure" not in raw:
            continue
        first = frontmatter.body_first_line(raw)
        body = "".join(raw.splitlines(keepends=True)[first - 1 :])
        try:
            tags = figure_tags.find_figure_tags(body, first)
        except figure_tags.FigureTagError as error:
            raise PluginError(f"{_where(file, root)}:{error.line}: {error.message}") from None
        for tag in tags:
            if tag.name not in FIGURES:
                raise PluginError(
                    f"{_where(file, root)}:{tag.line}: unknown figure '{tag.name}'; "
                    f"known figures: {', '.join(sorted(FIGURES))}"
                )
        if tags:
            found[file.src_uri] = tags
    return found


def _die_with_parent() -> None:
    """In the child: get SIGKILL if the build process dies, so no orphan keeps computing."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class _Child:
    """One ``python -m figures --json build NAMES`` process, its log relayed by a thread."""

    def __init__(self, names: list[str]) -> None:
        project_root = Path(__file__).resolve().parent.parent
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(project_root), env.get("PYTHONPATH")]))
        command = [sys.executable, "-m", "figures", "--config", _state["config_file"], "--json", "build", *names]
        self.errors: list[str] = []
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.relay = threading.Thread(target=self._relay, daemon=True)
        self.relay.start()

    def _relay(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                record = json.loads(line)
                level, message = record["level"], record["message"]
            except (ValueError, KeyError, TypeError):
                log.debug("%s", line.rstrip())  # TensorFlow's own chatter, visible with --verbose
                continue
            if level == "ERROR":
                self.errors.append(message)
            else:
                log.log(logging.getLevelName(level) if level in ("INFO", "WARNING", "DEBUG") else 20, "%s", message)

    def running(self) -> bool:
        return self.process.poll() is None

    def wait(self) -> str | None:
        """Wait for the end; the error message if the child failed."""
        code = self.process.wait()
        self.relay.join()
        if code == 0:
            return None
        return self.errors[0] if self.errors else f"python -m figures build exited with {code}"


def _start(names: list[str]) -> list[_Child]:
    """Children for what is missing behind `names`: one per group of steps that share nothing.

    Two cores, two kinds of work: the random forest (scikit-learn) runs while the
    digit model's process imports TensorFlow and trains.
    """
    project: Project = _state["project"]
    for name in names:
        if name in FIGURES and project.status(f"figure:{name}")[0] is not None:
            log.info("figure %s: cached", name)
    # A damaged entry is reported (as a warning) by the child that recomputes it.
    return [_Child(group) for group in project.independent_groups(names, at_most=os.cpu_count() or 1)]


def _finish(children: list[_Child]) -> None:
    """Wait for every child; fail with the first error."""
    errors = [error for error in (child.wait() for child in children) if error]
    if errors:
        raise PluginError(errors[0])


def _wait_for(steps: tuple[str, ...], children: list[_Child]) -> None:
    """Block until the entries `steps` are cached; fail if the children end without them."""
    project: Project = _state["project"]
    while not all(project.status(step)[0] for step in steps):
        if not any(child.running() for child in children):
            _finish(children)  # raises the children's error if there is one
            missing = [step for step in steps if project.status(step)[0] is None]
            raise PluginError(f"{', '.join(missing)}: still not in the cache after computing")
        time.sleep(0.5)


def _entries(names: list[str]) -> dict[str, Entry]:
    project: Project = _state["project"]
    entries = {}
    for name in names:
        entry, reason = project.status(f"figure:{name}")
        if entry is None:
            raise PluginError(f"figure {name}: still not in the cache after computing ({reason})")
        entries[name] = entry
    return entries


@event_priority(50)  # before mkdocs-jupyter, which must wrap the executed notebook, not the source
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    tags = _collect_tags(files, root)
    names = sorted({tag.name for page_tags in tags.values() for tag in page_tags})
    notebooks = [f for f in files if f.src_uri.endswith(".ipynb") and f.abs_src_path is not None]
    needed = names + list(UPSTREAM if notebooks else ())
    try:
        children = _start(needed)
        try:
            # A notebook runs as soon as the entries it loads exist, while the children
            # go on with LIME and the figures: its kernel's start overlaps their work.
            for file in notebooks:
                _execute_notebook(file, files, config, root, children)
        finally:
            _finish(children)
        entries = _entries(names)
    except (FigureError, CacheError, NotebookError) as error:
        raise PluginError(str(error)) from None
    _state["tags"] = tags
    _state["entries"] = entries
    for name, entry in entries.items():
        for variant in ("light", "dark"):
            uri = f"assets/figures/{name}.{entry.key[:10]}.{variant}.png"
            files.append(File.generated(config, uri, abs_src_path=str(entry.file(f"{variant}.png"))))
    return files


def _execute_notebook(file: File, files: Files, config: MkDocsConfig, root: Path, children: list[_Child]) -> None:
    project: Project = _state["project"]
    entry = execute_cached(
        Path(file.abs_src_path), file.src_uri, root, project, log, before=lambda: _wait_for(UPSTREAM, children)
    )
    _state.setdefault("notebooks", {})[entry.step] = entry
    files.remove(file)
    # A plain File rooted in the entry, not File.generated: mkdocs-jupyter wraps it and
    # reads abs_src_path through the wrapper, which a generated file does not support.
    files.append(File(file.src_uri, str(entry.path), config.site_dir, config.use_directory_urls))


@event_priority(50)  # before citations, so a caption's citations are resolved too
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    tags = _state["tags"].get(page.file.src_uri)
    if not tags:
        return markdown
    first = frontmatter.body_first_line(page.file.content_string)
    tags = figure_tags.find_figure_tags(markdown, first)  # offsets in this (possibly changed) text
    images = {}
    for tag in tags:
        entry = _state["entries"][tag.name]
        uris = {v: f"assets/figures/{tag.name}.{entry.key[:10]}.{v}.png" for v in ("light", "dark")}
        page_dir = os.path.dirname(page.file.src_uri)
        meta = entry.meta
        images[tag.name] = figure_tags.FigureImages(
            light=os.path.relpath(uris["light"], page_dir or "."),
            dark=os.path.relpath(uris["dark"], page_dir or "."),
            width=meta["width"], height=meta["height"], alt=meta["alt"],
            provenance="Computed by this site's build. " + meta["provenance"],
        )
    return figure_tags.replace_tags(markdown, tags, images)


def on_post_build(config: MkDocsConfig) -> None:
    project: Project = _state["project"]
    used = {f"figure:{name}": entry for name, entry in _state.get("entries", {}).items()}
    used.update(_state.pop("notebooks", {}))
    try:
        if used:
            project.cache.write_manifest(used)
    except CacheError as error:
        log.warning("%s: the manifest was not updated", error)
    _state["tags"], _state["entries"] = {}, {}
