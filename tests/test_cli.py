"""``python -m figures``, run in-process: what it prints, and one line for each mistake."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from figures.__main__ import main


@pytest.fixture
def site(tmp_path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nextra:\n  project:\n    cache_dir: cache\n")
    return tmp_path / "mkdocs.yml"


def run(capsys, config: Path, *args: str) -> tuple[int, list[str]]:
    code = main(["--config", str(config), *args])
    return code, capsys.readouterr().out.splitlines()


def test_list_says_what_is_to_compute_and_what_waits(site, capsys):
    code, lines = run(capsys, site, "list")
    rows = {line.split()[0]: " ".join(line.split()[1:]) for line in lines}
    assert code == 0
    assert rows["dataset"] == "to compute: not in the cache"
    assert rows["model"] == "waits for dataset"
    assert rows["figure:feature-importance"] == "waits for forest"
    assert len(rows) == len(lines) == 17  # every step once


def test_why_lists_each_step_behind_a_target_inputs_first(site, capsys):
    code, lines = run(capsys, site, "why", "shap-digit", "digit=3")
    assert code == 0
    assert [line.split()[0] for line in lines] == [
        "dataset", "model", "predictions", "gallery", "shap[digit=3]", "figure:shap-digit[digit=3]"]  # fmt: skip
    assert lines[0].split(None, 1)[1] == "would compute: not in the cache"
    assert all(line.endswith("waits for dataset") for line in lines[1:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["why", "model", "forest"], "ERROR   'why' takes one target, got 2: model, forest"),
        (["why", "shap-digt"], "ERROR   shap-digt: unknown figure or step 'shap-digt'; did you mean 'shap-digit'?"),
        (["build", "digit=3"], "ERROR   'digit=3' comes before any figure name"),
        (["build", "model", "epochs=3"], "ERROR   model epochs=3: 'model' is not a figure, so it takes no parameters"),
        (["build", "confusion-matrix", "normalize=yes"],
         "ERROR   confusion-matrix normalize=yes: 'normalize' must be true or false, got 'yes'"),
    ],
)  # fmt: skip
def test_a_mistake_is_one_error_line_and_exit_1(site, capsys, args, message):
    code, lines = run(capsys, site, *args)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(message), lines


def test_a_wrong_setting_is_one_error_line(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: t\nextra:\n  project:\n    model:\n      epochs: 0\n")
    assert run(capsys, config, "list") == (
        1,
        ["ERROR   mkdocs.yml:5: extra.project.model.epochs: expected a whole number from 1 to 200, got 0"],
    )


def test_json_logs_carry_their_level(site, capsys):
    code, lines = run(capsys, site, "--json", "build", "digit=3")
    assert code == 1 and json.loads(lines[0])["level"] == "ERROR"
    assert json.loads(lines[0])["message"].startswith("'digit=3' comes before any figure name")


def test_values_are_not_computed_yet_on_a_cold_cache(site, capsys):
    code, lines = run(capsys, site, "values")
    assert code == 0 and lines[0].split()[:4] == ["dataset.train_digits", "(not", "computed", "yet)"]


def test_clean_says_what_it_did(site, capsys):
    assert run(capsys, site, "clean") == (0, [f"{site.parent / 'cache'}: no cache"])
    (site.parent / "cache" / "model" / "x").mkdir(parents=True)
    assert run(capsys, site, "clean", "--unused") == (
        1,
        [f"{site.parent / 'cache'}: no readable manifest.json (run a build first); nothing removed"],
    )
    assert run(capsys, site, "clean") == (0, [f"removed {site.parent / 'cache'}"])
    assert not (site.parent / "cache").exists()


def test_digits_lists_per_label_the_digits_and_the_misread_ones(site, capsys, monkeypatch):
    """Issue 22, authoring: "nothing tells an author which labels have misclassified test
    digits before a build fails on one after 20 s"."""
    import numpy as np

    from figures.graph import Project

    labels = np.array([5, 3, 5, 5, 0, 3])
    predicted = np.array([5, 8, 6, 3, 0, 3])
    logits = np.eye(10, dtype=np.float32)[predicted]
    entry = type("Entry", (), {"meta": {"evaluated_on": "held-out digits"},
                               "arrays": lambda self, name: {"logits": logits, "labels": labels}})()  # fmt: skip
    asked = []
    monkeypatch.setattr(Project, "ensure", lambda self, step: asked.append(step) or entry)
    code, lines = run(capsys, site, "digits")
    assert code == 0 and asked == ["predictions"]
    assert lines[0] == "6 held-out digits, 3 read wrong by the model"
    rows = {line.split()[0]: line for line in lines[3:]}
    assert rows["5"].split() == ["5", "3", "2", "0:", "6,", "1:", "3"]  # misclassified=true index=1 reads as 3
    assert rows["3"].split() == ["3", "2", "1", "0:", "8"]
    assert rows["7"].split() == ["7", "0", "0", "-"]
