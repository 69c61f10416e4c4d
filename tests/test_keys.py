"""Cache keys: a change to each input changes the key; nothing else does."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from explaining_machines.settings import load
from figures import keys
from figures.graph import Project

BASE = ("model", {"epochs": 10, "seed": 0}, ("figures.model",), {"dataset": "a" * 32}, {"train.gz": "f" * 64})


def key(*changes) -> str:
    step, params, modules, inputs, data = BASE
    for change in changes:
        step, params, modules, inputs, data = change(step, params, modules, inputs, data)
    return keys.make_key(step, params, modules, inputs, data)[0]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s, p, m, i, d: (s, {**p, "epochs": 11}, m, i, d), id="a parameter value"),
        pytest.param(lambda s, p, m, i, d: (s, {**p, "extra": 1}, m, i, d), id="a new parameter"),
        pytest.param(lambda s, p, m, i, d: (s, p, m, {"dataset": "b" * 32}, d), id="an input entry's key"),
        pytest.param(lambda s, p, m, i, d: (s, p, m, i, {"train.gz": "e" * 64}), id="a data file's hash"),
        pytest.param(lambda s, p, m, i, d: (s, p, ("figures.lime_segments",), i, d), id="the code module"),
        pytest.param(lambda s, p, m, i, d: ("predictions", p, m, i, d), id="the step name"),
    ],
)
def test_each_input_changes_the_key(change):
    assert key(change) != key()


def test_the_same_inputs_give_the_same_key_in_any_order():
    step, params, modules, inputs, data = BASE
    reordered = dict(reversed(list(params.items())))
    assert keys.make_key(step, reordered, modules, inputs, data)[0] == key()
    assert len(key()) == 32


@pytest.mark.parametrize("library", ["tensorflow", "keras", "shap", "lime", "scikit-learn", "numpy", "matplotlib"])
def test_a_library_version_changes_the_key(monkeypatch, library):
    before = key()
    versions = {**keys.library_versions(), library: "0.0.0-other"}
    monkeypatch.setattr(keys, "library_versions", lambda: versions)
    assert key() != before


@pytest.fixture
def package_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the figures package that a test may edit; keys read their code from it."""
    copy = tmp_path / "figures"
    shutil.copytree(ROOT / "figures", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_ROOT", copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def test_code_change_in_an_imported_module_changes_the_key(package_copy):
    before = key()
    edit(package_copy / "data.py", "IMAGE_MAGIC = 2051", "IMAGE_MAGIC = 2051 + 0")
    assert key() != before  # figures.model imports figures.data


def test_comments_and_layout_do_not_change_the_key(package_copy):
    before = key()
    edit(package_copy / "model.py", "import numpy as np\n", "import numpy as np  # arrays\n\n\n")
    assert key() == before


def test_code_the_step_does_not_import_does_not_change_its_key(package_copy):
    before = key()
    edit(package_copy / "recipes" / "confusion_matrix.py", "from __future__", "x = 1\nfrom __future__")
    edit(package_copy / "lime_segments.py", "compactness=0.3", "compactness=0.4")
    assert key() == before


def test_import_closure_follows_package_imports_not_the_package_init():
    closure = keys.code_closure("figures.recipes.shap_digit")
    assert set(closure) == {
        "figures.data",
        "figures.export",
        "figures.model",
        "figures.recipes.shap_digit",
        "figures.shap_values",
        "figures.style",
    }


def project(tmp_path: Path, **sections) -> Project:
    return Project(load({"cache_dir": str(tmp_path / "cache"), **sections}, ROOT))


def all_keys(p: Project) -> dict[str, str]:
    return {name: p.key(name)[0] for name in p.graph}


@pytest.mark.parametrize(
    ("sections", "changed"),
    [
        (
            {"figures": {"dpi": 100}},
            {
                f"figure:{n}"
                for n in (
                    "shap-digit",
                    "shap-grid",
                    "lime-digit",
                    "feature-importance",
                    "pairwise-accuracy",
                    "confusion-matrix",
                )
            },
        ),
        ({"figures": {"lime_samples": 500}}, {"lime[digit=7]", "figure:lime-digit"}),
        (
            {"figures": {"background": 80}},
            {
                *(f"shap[digit={d}]" for d in (7, 3, 4, 8, 9)),
                "figure:shap-digit",
                "figure:shap-grid",
                "figure:lime-digit",
            },
        ),
        (
            {"model": {"epochs": 3}},
            {
                "model",
                "predictions",
                *(f"shap[digit={d}]" for d in (7, 3, 4, 8, 9)),
                "lime[digit=7]",
                "figure:shap-digit",
                "figure:shap-grid",
                "figure:lime-digit",
                "figure:pairwise-accuracy",
                "figure:confusion-matrix",
            },
        ),
    ],
)
def test_a_setting_changes_only_the_steps_that_depend_on_it(tmp_path, sections, changed):
    before = all_keys(project(tmp_path))
    after = all_keys(project(tmp_path, **sections))
    assert {name for name in before if before[name] != after[name]} == changed


def test_a_figure_parameter_changes_only_that_figure_step(tmp_path):
    p = project(tmp_path)
    before = all_keys(p)
    step = p.figure_step("pairwise-accuracy", {"digits": [1, 7]})
    assert step == "figure:pairwise-accuracy[digits=[1, 7]]"
    after = all_keys(p)
    assert {name for name in after if before.get(name) != after[name]} == {step}
    assert p.figure_step("pairwise-accuracy", {"digits": list(range(10))}) == "figure:pairwise-accuracy"


def test_the_cache_folder_is_not_part_of_any_key(tmp_path):
    one = all_keys(Project(load({"cache_dir": str(tmp_path / "a")}, ROOT)))
    two = all_keys(Project(load({"cache_dir": str(tmp_path / "b")}, ROOT)))
    assert one == two


def test_a_notebook_key_does_not_depend_on_where_the_site_is(tmp_path):
    notebook = tmp_path / "a" / "nb.ipynb"
    notebook.parent.mkdir()
    notebook.write_text("{}")
    moved = tmp_path / "b" / "nb.ipynb"
    moved.parent.mkdir()
    moved.write_text("{}")
    one = Project(load({"cache_dir": "c"}, tmp_path / "a"), {"nb.ipynb": notebook})
    two = Project(load({"cache_dir": "c"}, tmp_path / "b"), {"nb.ipynb": moved})
    assert one.key("notebook:nb.ipynb")[0] == two.key("notebook:nb.ipynb")[0]
    moved.write_text('{"edited": 1}')
    three = Project(load({"cache_dir": "c"}, tmp_path / "b"), {"nb.ipynb": moved})
    assert three.key("notebook:nb.ipynb")[0] != one.key("notebook:nb.ipynb")[0]


def test_explain_difference_names_what_changed():
    _, old = keys.make_key(*BASE)
    _, new = keys.make_key("model", {"epochs": 11, "seed": 0}, BASE[2], {"dataset": "b" * 32}, BASE[4])
    assert keys.explain_difference(old, new) == "parameters changed (epochs); input entries changed (dataset)"
