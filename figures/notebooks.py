"""Execute notebooks through the cache, so a page built from a notebook is always current.

A notebook's key covers its own bytes, the code of this package, the keys of the
entries it may load (dataset, model, predictions, SHAP) and the library versions.
An unchanged notebook is not run again; a changed one, or a new model, runs it
once with nbclient in the project folder, and the executed copy becomes the entry.
A cell that raises fails with the notebook's path, the cell's number and the error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from figures.cache import Entry
from figures.keys import make_key

UPSTREAM = ("dataset", "model", "predictions", "shap")
CODE = ("figures.pipeline", "figures.model", "figures.shap_values", "figures.recipes.shap_digit")


class NotebookError(RuntimeError):
    """A notebook failed to execute; the message names the file and cell."""


def execute_cached(path: Path, src_uri: str, root: Path, project, log, before=None) -> Entry:
    """The entry holding the executed copy of `path`, at `src_uri` inside the entry.

    `before`, if given, is called once the notebook is known to need running, before
    its kernel starts (the hook waits there for the entries the notebook loads).
    """
    shown = os.path.relpath(path, root)
    step = "notebook:" + path.stem
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    inputs = {name: project.key(name)[0] for name in UPSTREAM}
    key, described = make_key(step, {"notebook": shown}, CODE, inputs, {path.name: digest})
    entry, reason = project.cache.lookup(step, key)
    if entry is not None:
        log.info("%s: cached", shown)
        return entry
    if before is not None:
        before()
    if project.cache.damaged(step, key):
        log.warning("%s: cached entry unusable, executing again: %s", shown, reason)
    else:
        log.info("%s: executing (%s)", shown, reason)
    with project.cache.lock(step, key):
        entry, _ = project.cache.lookup(step, key)
        if entry is not None:
            return entry
        return project.cache.store(step, key, lambda out: _execute(path, root, shown, out / src_uri), described)


def _execute(path: Path, root: Path, shown: str, target: Path) -> dict:
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.read(path, as_version=4)
    # The kernel talks to us over Unix sockets (ipc), not TCP on 127.0.0.1: nothing to
    # warn about on a shared machine, and no network interface needed at all.
    sockets = tempfile.TemporaryDirectory(prefix="kernel-")
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets.name, "kernel"))
    client = NotebookClient(notebook, km=kernel, timeout=900, resources={"metadata": {"path": str(root)}})
    saved = {k: os.environ.get(k) for k in ("TF_CPP_MIN_LOG_LEVEL", "PYTHONWARNINGS", "PYTHONPATH")}
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore",
                      PYTHONPATH=os.pathsep.join(filter(None, [str(root), saved["PYTHONPATH"]])))
    try:
        client.execute()
    except CellExecutionError as error:
        index = next(
            (i for i, cell in enumerate(notebook.cells)
             if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
            None,
        )
        where = f"cell {index + 1}" if index is not None else "a cell"
        raise NotebookError(f"{shown}: {where} raised {error.ename}: {error.evalue}") from None
    except Exception as error:  # the kernel could not start, or timed out
        raise NotebookError(f"{shown}: could not execute: {type(error).__name__}: {error}") from None
    finally:
        # We own the kernel manager, so nbclient leaves the kernel and its channels to us.
        if client.kc is not None:
            client.kc.stop_channels()
        if kernel.has_kernel:
            kernel.shutdown_kernel(now=True)
        sockets.cleanup()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return {"cells": len(notebook.cells)}
