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
        ["ERROR   mkdocs.yml: extra.project.model.epochs: expected a whole number from 1 to 200, got 0"],
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
