"""What a build's pages ask of the figures, without MkDocs and without computing anything."""

from __future__ import annotations

import logging
from pathlib import Path

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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '# A\n\n{% figure "shap-digits" %}\n',
            "docs/a.md:3: figure 'shap-digits': unknown figure 'shap-digits'; did you mean 'shap-digit'? (known: "
            "confusion-matrix, feature-importance, lime-digit, pairwise-accuracy, shap-digit, shap-grid)",
        ),
        (
            '# A\n\n{% figure "shap-digit" digit=12 %}\n',
            "docs/a.md:3: figure 'shap-digit': 'digit' must be a whole number from 0 to 9, got 12",
        ),
        (
            '# A\n\n{% figure "shap-digit" colour=1 %}\n',
            "docs/a.md:3: figure 'shap-digit': unknown parameter 'colour' of figure 'shap-digit' "
            "(known: digit, index, misclassified)",
        ),
        (
            '# A\n\n{% figure "shap-digit" digit= %}\n',
            'docs/a.md:3: {% figure %}: \'digit=\' needs a value; write {% figure "name" param=value caption="..." %}',
        ),
    ],
)
def test_a_bad_tag_names_the_page_and_line(pages, text, message):
    with pytest.raises(SourceError) as error:
        pages.collect("docs/a.md", text)
    assert str(error.value) == message


def test_an_unknown_value_gets_a_did_you_mean(pages):
    with pytest.raises(SourceError) as error:
        pages.collect("docs/a.md", '# A\n\nWe reach {% value "model.accuracy" %}.\n')
    assert str(error.value).startswith(
        "docs/a.md:3: unknown value 'model.accuracy'; did you mean 'model.holdout_accuracy'? (known: "
    )


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
