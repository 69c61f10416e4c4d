"""Notebooks are steps of the graph: run once, reused, run again when edited or damaged."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import pytest

from explaining_machines.settings import load
from figures.graph import Project
from figures.notebooks import NotebookError
from figures.steps import NOTEBOOK_INPUTS


def notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [s]} for s in sources
    ]
    return json.dumps(
        {
            "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def project_with(tmp_path: Path, src_uri: str, text: str) -> tuple[Project, str]:
    """A project with one notebook whose step reads no other entry (no model to train)."""
    path = tmp_path / "docs" / src_uri
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    project = Project(load({"cache_dir": "cache"}, tmp_path))
    step = project.notebook_step(src_uri, path)
    project.graph[step] = dataclasses.replace(project.graph[step], inputs=())
    return project, step


def outputs(entry, src_uri: str) -> str:
    executed = json.loads((entry.path / src_uri).read_text())
    texts = [o.get("text", "") for cell in executed["cells"] for o in cell.get("outputs", [])]
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)  # nbformat may split lines


def test_a_notebook_is_a_step_that_loads_the_model_entries(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("print(1)"))
    project = Project(load({"cache_dir": "cache"}, tmp_path), {"notes/nb.ipynb": path})
    assert project.graph["notebook:notes/nb.ipynb"].inputs == NOTEBOOK_INPUTS
    assert "notebook:notes/nb.ipynb" in project.default_targets()
    assert project.plan(["notebook:notes/nb.ipynb"])[-1] == "notebook:notes/nb.ipynb"


def test_a_notebook_runs_once_and_again_when_its_entry_is_damaged(tmp_path, caplog):
    project, step = project_with(tmp_path, "notes/nb.ipynb", notebook("x = 6 * 7", "print(x)"))
    with caplog.at_level(logging.INFO, logger="figures"):
        first = project.ensure(step)
        again = Project(project.settings)
        again.graph = project.graph
        second = again.ensure(step)
    assert outputs(first, "notes/nb.ipynb") == "42\n" and second.path == first.path
    messages = [r.getMessage() for r in caplog.records if "computed in" not in r.getMessage()]
    assert messages == [f"{step}: computing (not in the cache)", f"{step}: cached ({first.key[:12]})"]

    (first.path / "notes" / "nb.ipynb").write_text("{}")  # a foreign file in the entry
    caplog.clear()
    repaired_project = Project(project.settings)
    repaired_project.graph = project.graph
    with caplog.at_level(logging.INFO, logger="figures"):
        repaired = repaired_project.ensure(step)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    repairs = [r.getMessage() for r in caplog.records if "unusable" in r.getMessage()]
    assert repairs == [
        f"{step}: cached entry unusable, recomputing: notes/nb.ipynb does not match its "
        "recorded checksum (corrupt or truncated)"
    ]
    assert outputs(repaired, "notes/nb.ipynb") == "42\n"


def test_an_edited_notebook_runs_again(tmp_path):
    project, step = project_with(tmp_path, "nb.ipynb", notebook("print(1)"))
    first = project.ensure(step)
    edited, _ = project_with(tmp_path, "nb.ipynb", notebook("print(2)"))
    second = edited.ensure(step)
    assert first.key != second.key and outputs(second, "nb.ipynb") == "2\n"


def test_the_executed_copy_is_the_same_file_every_time(tmp_path):
    """No execution timestamps: readers download identical bytes from one build to the next."""
    one, step = project_with(tmp_path / "a", "nb.ipynb", notebook("print(1)"))
    two, _ = project_with(tmp_path / "b", "nb.ipynb", notebook("print(1)"))
    assert (one.ensure(step).path / "nb.ipynb").read_bytes() == (two.ensure(step).path / "nb.ipynb").read_bytes()


def test_a_raising_cell_names_notebook_and_cell_and_leaves_no_entry(tmp_path):
    project, step = project_with(tmp_path, "nb.ipynb", notebook("x = 1", "raise ValueError('no such digit')"))
    with pytest.raises(NotebookError) as error:
        project.ensure(step)
    assert str(error.value) == "docs/nb.ipynb: cell 2 raised ValueError: no such digit"
    assert not list(project.cache.root.glob("notebook-nb/*/record.json"))


def test_a_notebook_is_keyed_on_what_the_entries_it_may_load_hold(tmp_path):
    """Its key chains on the output digests of its inputs' entries (dataset, model, predictions):
    unknown, and the notebook waiting for them, until they exist."""
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("print(1)"))
    project = Project(load({"cache_dir": "cache"}, tmp_path), {"nb.ipynb": path})
    assert set(project.ancestors("notebook:nb.ipynb")) == set(NOTEBOOK_INPUTS)
    assert project.key("notebook:nb.ipynb") is None
    assert project.status("notebook:nb.ipynb") == (None, "waits for dataset")
