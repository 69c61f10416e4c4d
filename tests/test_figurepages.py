"""What a build's pages ask of the figures, without MkDocs and without computing anything."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest

from explaining_machines.computed.pages import FigurePages
from explaining_machines.errors import SourceError
from explaining_machines.settings import load
from figures import Project
from figures.workers import WorkerError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pages(tmp_path) -> FigurePages:
    return FigurePages(
        Project(load({"cache_dir": str(tmp_path / "cache")}, ROOT)), ROOT / "mkdocs.yml", logging.getLogger()
    )


def test_each_tag_of_each_page_is_a_request_at_its_line(pages):
    pages.collect(
        "docs/a.md", '---\ntitle: A\n---\n# A\n\n{% figure "shap-digit" digit=3 %}\n\n{% figure "shap-digit" %}\n'
    )
    pages.collect(
        "docs/b.md", '# B\n\n{% figure "confusion-matrix" caption="{% value \\"model.epochs\\" %} epochs" %}\n'
    )
    pages.collect("docs/c.md", "# C, with no tag\n")
    steps = [(where, line, step) for where, line, step in pages.requests]
    assert [(where, line) for where, line, _ in steps] == [("docs/a.md", 6), ("docs/a.md", 8), ("docs/b.md", 3),
                                                         ("docs/b.md", 3)]  # fmt: skip
    assert steps[0][2] != steps[1][2]  # two parameter sets, two entries
    assert steps[1][2] == "figure:shap-digit" and steps[2][2] == "figure:confusion-matrix"
    assert steps[3][2] == "model"


KNOWN_VALUES = (
    "(known: dataset.holdout_digits, dataset.train_digits, forest.holdout_accuracy, forest.trees, lime.fit_r2, "
    "lime.samples, model.epochs, model.holdout_accuracy, model.train_seconds, shap.background, "
    "shap.local_accuracy_error); the official test set's values need data.test_path"
)
BAD_TAGS = [
    ('{% figure "shap-digits" %}', "figure 'shap-digits': unknown figure 'shap-digits'; did you mean 'shap-digit'? "
     "(known: confusion-matrix, feature-importance, lime-digit, pairwise-accuracy, shap-digit, shap-grid)"),
    ('{% figure "nope" %}', "figure 'nope': unknown figure 'nope' (known: confusion-matrix, feature-importance, "
     "lime-digit, pairwise-accuracy, shap-digit, shap-grid)"),
    ('{% figure "shap-digit" digt=3 %}', "figure 'shap-digit': unknown parameter 'digt' of figure 'shap-digit'; "
     "did you mean 'digit'? (known: digit, index, misclassified)"),
    ('{% figure "shap-digit" colour=1 %}', "figure 'shap-digit': unknown parameter 'colour' of figure 'shap-digit' "
     "(known: digit, index, misclassified)"),
    ('{% figure "feature-importance" digit=3 %}', "figure 'feature-importance': unknown parameter 'digit' of figure "
     "'feature-importance' (known: none)"),
    ('{% figure "shap-digit" digit=12 %}', "figure 'shap-digit': 'digit' must be a whole number from 0 to 9, got 12"),
    ('{% figure "shap-digit" digit=-1 %}', "figure 'shap-digit': 'digit' must be a whole number from 0 to 9, got -1"),
    ('{% figure "shap-digit" digit="3" %}', "figure 'shap-digit': 'digit' must be a whole number from 0 to 9, "
     "got '3'"),
    ('{% figure "shap-digit" index=1.5 %}', "figure 'shap-digit': 'index' must be a whole number from 0 up, got 1.5"),
    ('{% figure "shap-digit" misclassified=yes %}', "figure 'shap-digit': 'misclassified' must be true or false, "
     "got 'yes'"),
    ('{% figure "confusion-matrix" normalize=1 %}', "figure 'confusion-matrix': 'normalize' must be true or false, "
     "got 1"),
    ('{% figure "shap-grid" digits=[1, 1] %}', "figure 'shap-grid': 'digits' must be a list of digits from 0 to 9, "
     "each once, such as [3, 4, 8, 9], got [1, 1]"),
    ('{% figure "shap-grid" digits=[] %}', "figure 'shap-grid': 'digits' must be a list of digits from 0 to 9, "
     "each once, such as [3, 4, 8, 9], got []"),
    ('{% figure "pairwise-accuracy" digits=[3] %}', "figure 'pairwise-accuracy': 'digits' must be a list of at "
     "least 2 digits from 0 to 9, each once, such as [3, 4, 8, 9], got [3]"),
    ('{% figure "shap-digit" digit= %}',
     '{% figure %}: \'digit=\' needs a value; write {% figure "name" param=value caption="..." %}'),
    ('{% figure "shap-digit" digit=[3 %}',
     '{% figure %}: unclosed \'[\' in \'[3\'; write {% figure "name" param=value caption="..." %}'),
    ('{% value "model.accuracy" %}', f"unknown value 'model.accuracy'; did you mean 'model.holdout_accuracy'? "
     f"{KNOWN_VALUES}"),
    ('{% value "nothing" %}', f"unknown value 'nothing' {KNOWN_VALUES}"),
    ('{% figure "shap-digit" caption="As {% value \\"model.acc\\" %} shows." %}',
     f"unknown value 'model.acc'; did you mean 'model.epochs'? {KNOWN_VALUES}"),  # a value in a caption
    ('{% value "model.epochs" format=2 %}', 'format must be a quoted string such as ".2%", got 2'),
    ('See {% cite "a', "unclosed '{% cite' tag: expected '%}' before the end of the paragraph"),
]  # fmt: skip


@pytest.mark.parametrize(("tag", "message"), BAD_TAGS, ids=[tag for tag, _ in BAD_TAGS])
def test_a_bad_tag_names_the_page_and_line(pages, tag, message):
    with pytest.raises(SourceError) as error:
        pages.collect("docs/a.md", f"---\ntitle: A\n---\n# A\n\nText.\n\n{tag}\n")
    assert str(error.value) == f"docs/a.md:8: {message}"


def test_a_value_of_the_test_set_without_one_says_what_it_needs(pages):
    with pytest.raises(SourceError) as error:
        pages.collect("docs/a.md", '# A\n\n{% value "dataset.test_digits" %}\n')
    assert "did you mean" not in str(error.value) and "unknown value" not in str(error.value)


def test_a_child_that_fails_on_a_step_a_tag_chose_names_that_tag(pages):
    pages.collect("docs/a.md", '# A\n\n\n{% figure "shap-digit" digit=3 index=400 %}\n')
    step = pages.requests[0][2]
    assert pages._located(WorkerError("no such digit", step=step)) == "docs/a.md:4: no such digit"
    assert pages._located(WorkerError("out of memory")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '# R\n\n{% figure "shap-digit" %}\n',
            "references.md:3: figure 'shap-digit' in a page made during the build; "
            "figures can stand only in pages written in docs/",
        ),
        (
            '# R\n\nTrained for {% value "model.epochs" %} epochs.\n',
            "references.md:3: value 'model.epochs' in a page made during the build; "
            "values can stand only in pages written in docs/",
        ),
    ],
)
def test_a_tag_in_a_page_the_build_made_after_computing_fails_by_name(pages, text, message):
    with pytest.raises(SourceError) as error:
        pages.render("references.md", "references.md", text, text)
    assert str(error.value) == message


def computed_model(pages: FigurePages) -> FigurePages:
    """`pages` as if the model had been computed: an entry that records 12 epochs and its accuracy."""
    model = SimpleNamespace(record={"params": {"epochs": 12}}, meta={"holdout_accuracy": 0.97412})
    pages.entries = {"model": model}
    return pages


@pytest.mark.parametrize(
    ("tag", "shown"),
    [
        ('{% value "model.epochs" %}', "12"),
        ('{% value "model.holdout_accuracy" %}', "97.4%"),
        ('{% value "model.holdout_accuracy" format=".2%" %}', "97.41%"),
        ('{% value "model.epochs" format="<4" %}', "12&#32;&#32;"),  # text, never an indented block
    ],
)
def test_a_value_is_the_number_the_entry_recorded_in_its_format(pages, tag, shown):
    text = f"# A\n\nWe reach {tag}.\n"
    assert computed_model(pages).render("docs/a.md", "a.md", text, text) == f"# A\n\nWe reach {shown}.\n"


def test_a_format_that_does_not_apply_names_the_page_and_line(pages):
    text = '# A\n\nTrained for {% value "model.epochs" format=".2f" %} {% value "model.epochs" format="s" %}.\n'
    with pytest.raises(SourceError) as error:
        computed_model(pages).render("docs/a.md", "a.md", text, text)
    assert str(error.value) == (
        "docs/a.md:3: format 's' does not apply to 12: Unknown format code 's' for object of type 'int'"
    )
