"""Targets as settings and the command line write them: one reader, one message per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from explaining_machines.settings import load
from figures import FigureError, targets
from figures.graph import Project
from figures.targets import Target

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(load({"cache_dir": str(tmp_path / "cache")}, ROOT))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lime-digit", [Target("lime-digit", {}, "lime-digit")]),
        ('"lime-digit" digit=3', [Target("lime-digit", {"digit": 3}, "lime-digit digit=3")]),
        ("shap-grid digits=[1, 2] model", [Target("shap-grid", {"digits": [1, 2]}, "shap-grid digits=[1, 2]"),
                                          Target("model", {}, "model")]),
        ("shap[digit=3 index=2]", [Target("shap", {"digit": 3, "index": 2}, "shap[digit=3 index=2]")]),
        ("figure:pairwise-accuracy[digits=[1, 7]]",
         [Target("figure:pairwise-accuracy", {"digits": [1, 7]}, "figure:pairwise-accuracy[digits=[1, 7]]")]),
    ],
)  # fmt: skip
def test_a_text_reads_as_targets(text, expected):
    assert targets.read(text) == expected


def test_command_line_words_read_as_the_same_targets():
    words = ["shap-digit", "digit=3", "index=2", "model", "shap[digit=3", "index=2]", "notebook:my notes.ipynb"]
    assert [(t.name, t.params) for t in targets.read_words(words)] == [
        ("shap-digit", {"digit": 3, "index": 2}),
        ("model", {}),
        ("shap", {"digit": 3, "index": 2}),
        ("notebook:my notes.ipynb", {}),
    ]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["digit=3"], "'digit=3' comes before any figure name: write a figure's name first, then its parameters: "
                      "lime-digit digit=3"),
        (["shap-digit", "digit=3", "digit=4"], "shap-digit digit=3: 'digit' is given twice"),
        (["shap-digit", "digit=[1,"],
         "cannot read the value '[1,': expected the node content, but found '<stream end>'"),
        (["shap[3]"], "shap[3]: write each parameter in the brackets as name=value"),
        (["shap[digit=3 digit=4]"], "shap[digit=3 digit=4]: 'digit' is given twice"),
    ],
)  # fmt: skip
def test_words_that_are_no_targets_say_why(words, message):
    with pytest.raises(targets.TargetError) as error:
        targets.read_words(words)
    assert str(error.value) == message


def test_a_step_name_reads_back_as_its_step(project):
    step = project.figure_step("pairwise-accuracy", {"digits": [1, 7]})
    assert step == "figure:pairwise-accuracy[digits=[1, 7]]"
    assert project.steps_of([step]) == [step]
    assert project.steps_of(["shap[digit=3 index=2 misclassified=true]"]) == [project.explanation("shap", 3, 2, True)]
    assert project.steps_of(["shap-digit", "digit=7"]) == ["figure:shap-digit"]  # the default is no parameter
    assert project.steps_of(["model", "forest"]) == ["model", "forest"]


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["model", "digit=3"], "model digit=3: 'model' is not a figure, so it takes no parameters"),
        (["shap-digt"], "shap-digt: unknown figure or step 'shap-digt'; did you mean 'shap-digit'? (known: "),
        (["shap-digit", "digit=12"], "shap-digit digit=12: 'digit' must be a whole number from 0 to 9, got 12"),
        (["shap-digit", "colour=1"], "shap-digit colour=1: unknown parameter 'colour' of figure 'shap-digit' "
                                     "(known: digit, index, misclassified)"),
        (["shap[digit=3", "colour=1]"], "shap[digit=3 colour=1]: unknown parameter 'colour' of shap "
                                        "(known: digit, index, misclassified)"),
        (["shap[digit=12]"], "shap[digit=12]: 'digit' must be a whole number from 0 to 9, got 12"),
        (["lime"], "lime: lime explains one test digit: write lime[digit=3]"),
        (["figure:nothing"], "figure:nothing: unknown figure 'nothing' (known: confusion-matrix, "),
    ],
)  # fmt: skip
def test_a_target_without_a_step_says_why(project, words, message):
    with pytest.raises(FigureError) as error:
        project.steps_of(words)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("publish", "message"),
    [
        ({"a.gif": "lime-digit"}, "mkdocs.yml: extra.project.figures.publish: 'a.gif': "
                                  "expected a path inside the site ending in .png"),
        ({"../a.png": "lime-digit"}, "mkdocs.yml: extra.project.figures.publish: '../a.png': "
                                     "expected a path inside the site ending in .png"),
        ({"a.png": "model"}, "mkdocs.yml: extra.project.figures.publish: 'a.png': unknown figure 'model'"),
        ({"a.png": "lime-digit digit=12"}, "mkdocs.yml: extra.project.figures.publish: 'a.png': "
                                           "'digit' must be a whole number from 0 to 9, got 12"),
        ({"a.png": "lime-digit shap-digit"}, "mkdocs.yml: extra.project.figures.publish: 'a.png': 'shap-digit' "
                                             "needs a name: one figure per path, its parameters as name=value"),
        ({"a.png": "digit=3"}, "mkdocs.yml: extra.project.figures.publish: 'a.png': 'digit=3' comes before any "
                               "figure name"),
    ],
)  # fmt: skip
def test_a_bad_stable_address_names_the_setting_and_the_path(tmp_path, publish, message):
    project = Project(load({"cache_dir": str(tmp_path / "c"), "figures": {"publish": publish}}, ROOT))
    with pytest.raises(FigureError) as error:
        project.published()
    assert str(error.value).startswith(message)


def test_stable_addresses_name_their_figure_steps(tmp_path):
    publish = {"/assets/a.png": "lime-digit digit=3", "b.png": "figure:shap-grid[digits=[1, 2]]"}
    project = Project(load({"cache_dir": str(tmp_path / "c"), "figures": {"publish": publish}}, ROOT))
    assert project.published() == {
        "assets/a.png": "figure:lime-digit[digit=3]",
        "b.png": "figure:shap-grid[digits=[1, 2]]",
    }
