"""Keys chained on what the inputs hold (early cutoff), steps that wait, and keys computed once a build.

A toy graph of two steps, computed in-process: `a` writes a number, `b` doubles it.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from explaining_machines.settings import load
from figures import keys
from figures.graph import Project
from figures.steps import Step

TOY = """
from pathlib import Path
RUNS = Path({runs!r})
def make(inputs, params, out, log):
    with RUNS.open("a") as handle:
        handle.write("a\\n")
    (out / "value.txt").write_text(str(params["value"]))
    return {{"value": params["value"], "took_seconds": len(RUNS.read_text())}}  # differs from run to run
def double(inputs, params, out, log):
    with RUNS.open("a") as handle:
        handle.write("b\\n")
    (out / "double.txt").write_text(str(2 * int(inputs["a"].file("value.txt").read_text())))
    return {{}}
"""


@pytest.fixture
def toy(tmp_path, monkeypatch):
    """A function giving a fresh project (one build) over the same cache, with `a`'s parameters."""
    name = f"toy_{abs(hash(str(tmp_path)))}"
    module = tmp_path / "mods" / f"{name}.py"
    module.parent.mkdir()
    module.write_text(TOY.format(runs=str(tmp_path / "runs.txt")))
    monkeypatch.syspath_prepend(str(module.parent))

    def build(**params) -> Project:
        project = Project(load({"cache_dir": str(tmp_path / "cache")}, tmp_path))
        project.graph = {
            "a": Step("a", "a", f"{name}:make", (), {"value": 1, **params}, ()),
            "b": Step("b", "b", f"{name}:double", ("a",), {}, ()),
        }
        return project

    return build


def runs(project: Project) -> list[str]:
    path = project.settings.root / "runs.txt"
    return path.read_text().split() if path.exists() else []


def messages(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "computed in" not in r.getMessage()]


def test_a_step_waits_for_the_missing_entries_upstream_and_says_which(toy):
    project = toy()
    assert project.key("b") is None
    state = project.state("b")
    assert state.entry is None and state.waits_for == ("a",) and state.reason == "waits for a"
    assert project.status("a") == (None, "not in the cache")
    project.ensure("b")
    assert project.state("b").entry is not None and project.state("b").known


def test_an_input_recomputed_with_the_same_result_recomputes_nothing_downstream(toy, caplog):
    first = toy()
    first.ensure("b")
    first.cache.write_manifest(first.used)
    with caplog.at_level(logging.INFO, logger="figures"):
        entry = toy(salt="new").ensure("b")  # `a`'s own key changes, its file does not
    assert runs(first) == ["a", "b", "a"]
    assert messages(caplog) == [
        "a: computing (parameters changed (salt))",
        f"b: cached ({entry.key[:12]}), its inputs unchanged",
    ]
    assert entry.file("double.txt").read_text() == "2"


def test_an_input_with_another_result_recomputes_what_reads_it(toy, caplog):
    first = toy()
    first.ensure("b")
    first.cache.write_manifest(first.used)
    with caplog.at_level(logging.INFO, logger="figures"):
        entry = toy(value=5).ensure("b")
    assert runs(first) == ["a", "b", "a", "b"]
    assert messages(caplog)[-1] == "b: computing (input entries changed (a))"
    assert entry.file("double.txt").read_text() == "10"
    assert entry.record["input_entries"] == {"a": toy(value=5).state("a").entry.key}


def test_no_key_is_computed_twice_in_one_build(toy, monkeypatch):
    toy().ensure("b")
    made = []
    real = keys.make_key
    monkeypatch.setattr(keys, "make_key", lambda *args: made.append(args[0]) or real(*args))
    project = toy()
    for _ in range(3):
        project.status("b")
        project.state("a")
    project.ensure("b")
    project.plan(["b"])
    assert sorted(made) == ["a", "b"]


def test_a_damaged_input_is_recomputed_and_what_reads_it_stays_cached(toy, caplog):
    first = toy()
    a = first.ensure("a")
    first.ensure("b")
    (a.path / "value.txt").write_text("9")
    with caplog.at_level(logging.INFO, logger="figures"):
        toy().ensure("b")
    assert runs(first) == ["a", "b", "a"]
    assert (
        messages(caplog)[0] == "a: cached entry unusable, recomputing: value.txt does not match its recorded checksum "
        "(corrupt or truncated)"
    )


def test_the_output_digest_leaves_out_measurements_of_the_run(toy):
    project = toy()
    entry = project.ensure("a")
    assert entry.meta["took_seconds"] > 0
    again = entry.__class__(
        entry.step, entry.key, entry.path, {**entry.record, "meta": {**entry.meta, "took_seconds": 99}}
    )
    other = entry.__class__(entry.step, entry.key, entry.path, {**entry.record, "meta": {**entry.meta, "value": 2}})
    assert again.output_digest == entry.output_digest != other.output_digest


def test_the_real_graph_waits_for_the_data_and_the_forest_on_a_cold_cache(tmp_path):
    project = Project(load({"cache_dir": str(tmp_path / "cache")}, Path(__file__).resolve().parent.parent))
    assert project.state("model").waits_for == ("dataset",)
    assert project.status("figure:feature-importance") == (None, "waits for forest")
    assert project.state("figure:shap-digit").reason == "waits for dataset"
    assert project.independent_groups(["figure:feature-importance", "figure:shap-digit"]) == [
        ["figure:shap-digit"],
        ["figure:feature-importance"],
    ]
