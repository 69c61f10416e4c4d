"""Cache keys: a change to each input changes the key; nothing else does.

A step's key chains on its upstream entries' output digests (`figures.entries`), known
only once those entries exist; the tests of settings here compare what each step itself
puts into its key (`own`), and tests/test_entries.py the chaining.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from explaining_machines.settings import load
from figures import keys
from figures.graph import Project

BASE = ("model", {"epochs": 10, "seed": 0}, ("figures.model",), {"dataset": "a" * 64}, {"train.gz": "f" * 64})


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
        pytest.param(lambda s, p, m, i, d: (s, p, m, {"dataset": "b" * 64}, d), id="an input's output digest"),
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
    edit(package_copy / "dataset.py", '"held-out digits"', '"hold-out digits"')
    assert key() != before  # figures.model imports figures.dataset


def test_the_data_loaders_are_not_part_of_the_model_key(package_copy):
    """The model reads the dataset entry through figures.dataset: a loader's edit reaches it only
    through the dataset entry's bytes (early cutoff), not through its code."""
    before, dataset_before = key(), keys.make_key("dataset", {}, ("figures.data",), {})[0]
    edit(package_copy / "data.py", "IMAGE_MAGIC = 2051", "IMAGE_MAGIC = 2051 + 0")
    assert key() == before
    assert keys.make_key("dataset", {}, ("figures.data",), {})[0] != dataset_before


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
        "figures.dataset",
        "figures.export",
        "figures.model",
        "figures.names",
        "figures.recipes.shap_digit",
        "figures.runtime",
        "figures.shap_values",
        "figures.style",
        "figures.views",
    }  # not figures.errors: infrastructure, like the cache


def test_the_model_key_covers_neither_the_loaders_nor_the_graph():
    assert set(keys.code_closure("figures.model")) == {
        "figures.dataset",
        "figures.model",
        "figures.names",
        "figures.runtime",
    }


def project(tmp_path: Path, **sections) -> Project:
    return Project(load({"cache_dir": str(tmp_path / "cache"), **sections}, ROOT))


def own(p: Project, name: str) -> str:
    """What step `name` itself puts into its key: all but its inputs' output digests."""
    step = p.graph[name]
    return keys.make_key(step.kind, step.params, step.code, {}, keys.hash_files(list(step.data_files)))[0]


def all_keys(p: Project) -> dict[str, str]:
    return {name: own(p, name) for name in p.graph}


def test_a_key_is_not_known_before_the_entries_upstream_exist(tmp_path):
    p = project(tmp_path)
    assert p.key("dataset") is not None and p.key("forest") is not None
    assert p.key("model") is None and p.key("figure:shap-digit") is None


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
        # The figures over LIME and SHAP follow through their inputs' output digests.
        ({"figures": {"lime_samples": 500}}, {"lime[digit=7]"}),
        ({"figures": {"background": 80}}, {"gallery", *(f"shap[digit={d}]" for d in (7, 3, 4, 8, 9))}),
        ({"model": {"epochs": 3}}, {"model"}),
        ({"data": {"holdout": 1000}}, {"dataset"}),
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
    assert own(one, "notebook:nb.ipynb") == own(two, "notebook:nb.ipynb")
    moved.write_text('{"edited": 1}')
    three = Project(load({"cache_dir": "c"}, tmp_path / "b"), {"nb.ipynb": moved})
    assert own(three, "notebook:nb.ipynb") != own(one, "notebook:nb.ipynb")


def test_a_notebook_key_covers_the_settings_of_the_explanations_it_asks_for(tmp_path):
    """A notebook asks for SHAP entries itself, not through its inputs: their settings are in its key."""
    path = tmp_path / "nb.ipynb"
    path.write_text("{}")
    found = [
        own(Project(load({"figures": figures}, tmp_path), {"nb.ipynb": path}), "notebook:nb.ipynb")
        for figures in ({}, {"dpi": 100}, {"background": 80})
    ]
    assert found[0] == found[1] != found[2]


def test_explain_difference_names_what_changed():
    _, old = keys.make_key(*BASE)
    _, new = keys.make_key("model", {"epochs": 11, "seed": 0}, BASE[2], {"dataset": "b" * 64}, BASE[4])
    assert keys.explain_difference(old, new) == "parameters changed (epochs); input entries changed (dataset)"
