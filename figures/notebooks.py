"""Execute a notebook: the compute function of every ``notebook:PATH`` step.

A notebook's key (`figures.graph`) covers its own bytes, the code it runs through
this package, the keys of the entries it may load (dataset, model, predictions,
SHAP) and the library versions. An unchanged notebook is not run again; a changed
one, or a new model, runs it once with nbclient in the project folder, and the
executed copy becomes the entry. A cell that raises fails with the notebook's path,
the cell's number and the error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from figures import runtime
from figures.errors import FigureError


class NotebookError(FigureError):
    """A notebook failed to execute; the message names the file and cell."""


def execute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``notebook:PATH``: the executed copy at ``<entry>/<PATH>``."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    root, path = Path(params["root"]), Path(params["path"])
    shown = os.path.relpath(path, root)
    notebook = _read(path, shown)
    # The kernel talks to us over Unix sockets (ipc), not TCP on 127.0.0.1: nothing to
    # warn about on a shared machine, and no network interface needed at all.
    sockets = tempfile.TemporaryDirectory(prefix="kernel-")
    kernel = KernelManager(kernel_name="python3", transport="ipc", ip=os.path.join(sockets.name, "kernel"))
    # record_timing=False: no execution timestamps in the cells, so the executed copy that
    # readers download is the same file from one build to the next.
    client = NotebookClient(
        notebook, km=kernel, timeout=900, record_timing=False, resources={"metadata": {"path": str(root)}}
    )
    try:
        client.execute(env=runtime.child_environment())  # the kernel may import TensorFlow
    except CellExecutionError as error:
        index = next(
            (
                i
                for i, cell in enumerate(notebook.cells)
                if any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            ),
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
    target = out / params["notebook"]
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return {"cells": len(notebook.cells)}


def _read(path: Path, shown: str):
    """The notebook at `path`, with an id for every cell that lacks one; `NotebookError` if unreadable."""
    import nbformat

    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("nbformat", 4) * 100 + raw.get("nbformat_minor", 0) >= 405:  # cells have ids from 4.5 on
            for number, cell in enumerate(raw.get("cells", []), start=1):
                # nbformat would give a cell without an id a random one: a different file every run.
                if isinstance(cell, dict):
                    cell.setdefault("id", f"cell-{number}")
        return nbformat.reads(json.dumps(raw), as_version=4)
    except (OSError, ValueError, AttributeError, TypeError) as error:
        raise NotebookError(f"{shown}: not a readable notebook ({type(error).__name__}: {error})") from None
