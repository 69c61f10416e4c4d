"""Notebooks executed through the cache: run once, reused, re-run when their entry is damaged."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import ROOT

from figures import notebooks
from figures.notebooks import NotebookError, execute_cached
from figures.pipeline import Project
from figures.settings import from_mapping

log = logging.getLogger("figures")


def notebook(*sources: str) -> str:
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": [s]}
             for s in sources]
    return json.dumps({"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                   "language": "python"}},
                       "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(from_mapping({"cache_dir": str(tmp_path / "cache")}, ROOT))


def outputs(entry, src_uri: str) -> str:
    executed = json.loads((entry.path / src_uri).read_text())
    texts = [o.get("text", "") for cell in executed["cells"] for o in cell.get("outputs", [])]
    return "".join("".join(t) if isinstance(t, list) else t for t in texts)  # nbformat may split lines


def test_a_notebook_runs_once_and_again_when_its_entry_is_damaged(tmp_path, project, caplog):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("x = 6 * 7", "print(x)"))
    with caplog.at_level(logging.INFO, logger="figures"):
        first = execute_cached(path, "notes/nb.ipynb", tmp_path, project, log)
        again = execute_cached(path, "notes/nb.ipynb", tmp_path, project, log)
    assert outputs(first, "notes/nb.ipynb") == "42\n" and again.path == first.path
    messages = [r.getMessage() for r in caplog.records]
    assert messages == ["nb.ipynb: executing (not in the cache)", "nb.ipynb: cached"]

    (first.path / "notes" / "nb.ipynb").write_text("{}")  # a foreign file in the entry
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="figures"):
        repaired = execute_cached(path, "notes/nb.ipynb", tmp_path, project, log)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == ["nb.ipynb: cached entry unusable, executing again: notes/nb.ipynb does not match its "
                        "recorded checksum (corrupt or truncated)"]
    assert outputs(repaired, "notes/nb.ipynb") == "42\n"


def test_an_edited_notebook_runs_again(tmp_path, project):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("print(1)"))
    first = execute_cached(path, "nb.ipynb", tmp_path, project, log)
    path.write_text(notebook("print(2)"))
    second = execute_cached(path, "nb.ipynb", tmp_path, project, log)
    assert first.key != second.key and outputs(second, "nb.ipynb") == "2\n"


def test_a_raising_cell_names_notebook_and_cell_and_leaves_no_entry(tmp_path, project):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("x = 1", "raise ValueError('no such digit')"))
    with pytest.raises(NotebookError) as error:
        execute_cached(path, "nb.ipynb", tmp_path, project, log)
    assert str(error.value) == "nb.ipynb: cell 2 raised ValueError: no such digit"
    assert not list((project.cache.root / "notebook-nb").glob("*/record.json"))


def test_a_notebook_is_keyed_on_the_model_it_may_load(tmp_path, monkeypatch):
    """A new model (here: other training settings) runs the notebook again; nothing else does."""
    runs = []

    def fake_execute(path, root, shown, target):
        runs.append(shown)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("{}")
        return {}

    monkeypatch.setattr(notebooks, "_execute", fake_execute)
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("print(1)"))
    for epochs in (1, 1, 2, 2):
        project = Project(from_mapping({"cache_dir": str(tmp_path / "c"), "model": {"epochs": epochs}}, ROOT))
        notebooks.execute_cached(path, "nb.ipynb", tmp_path, project, log)
    assert runs == ["nb.ipynb", "nb.ipynb"]
