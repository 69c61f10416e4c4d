"""The parts of the computations that need no trained model: checks, counts, choices and the numbers posts state.

The end-to-end pipeline (training, SHAP, LIME, every recipe) is tests/test_pipeline.py (slow).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from explaining_machines.settings import load
from figures import model, shap_values, values
from figures.graph import Project
from figures.model import SelectionError
from figures.recipes import pairwise_accuracy

ROOT = Path(__file__).resolve().parent.parent


def test_local_accuracy_check_catches_a_wrong_sum():
    values = np.zeros((1, 28, 28, 10), np.float32)
    values[0, 0, 0, 3] = 1.0
    assert shap_values.check_local_accuracy(values, np.zeros(10, np.float32), np.zeros((1, 10))) == 1.0


def test_pairwise_accuracy_counts_the_true_of_the_pair():
    labels = np.array([0, 0, 1, 1])
    logits = np.array([[2.0, 1, 0], [0.0, 1, -1], [0.0, 3, 0], [4.0, 1, 0]])
    matrix = pairwise_accuracy.pairwise(logits, labels, [0, 1, 2])
    # a=0, b=1: the true one of the pair scores higher in rows 0 and 2, not in rows 1 and 3.
    assert matrix[1, 0] == matrix[0, 1] == 0.5
    # a=0, b=2: only rows 0 and 1 count; both score 0 above 2.
    assert matrix[2, 0] == matrix[0, 2] == 1.0
    # The diagonal is plain accuracy: row 0 predicted 0, row 1 predicted 1.
    assert matrix[0, 0] == matrix[1, 1] == 0.5
    assert np.isnan(matrix[2, 2])  # no digit 2 to measure


LABELS = np.array([3, 3, 5, 3])
LOGITS = np.eye(10)[[3, 5, 5, 3]]  # the model gets the second 3 wrong


@pytest.mark.parametrize(
    ("digit", "index", "misclassified", "found"),
    [(3, 0, False, 0), (3, 2, False, 3), (3, 0, True, 1), (5, 0, False, 2)],
)
def test_a_test_digit_is_chosen_by_label_index_and_mistake(digit, index, misclassified, found):
    assert model.select(LOGITS, LABELS, digit, index, misclassified) == found


@pytest.mark.parametrize(
    ("digit", "index", "misclassified", "message"),
    [
        (3, 3, False, "index=3 is too large: there are 3 test digits labelled 3 (index 0 to 2)"),
        (3, 1, True, "index=1 is too large: there are 1 misclassified test digits labelled 3 (index 0 to 0)"),
        (7, 0, False, "there are no test digits labelled 7"),
        (5, 0, True, "there are no misclassified test digits labelled 5"),
    ],
)
def test_no_such_test_digit_says_what_there_is(digit, index, misclassified, message):
    with pytest.raises(SelectionError) as error:
        model.select(LOGITS, LABELS, digit, index, misclassified)
    assert str(error.value) == message


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(load({"cache_dir": str(tmp_path / "cache")}, ROOT))


def test_an_unknown_value_suggests_the_closest_and_lists_them_all(project):
    with pytest.raises(values.ValueNameError) as error:
        values.lookup(project, "model.accuracy")
    assert str(error.value) == (
        "unknown value 'model.accuracy'; did you mean 'model.holdout_accuracy'? (known: dataset.holdout_digits, "
        "dataset.train_digits, forest.holdout_accuracy, forest.trees, lime.fit_r2, lime.samples, model.epochs, "
        "model.holdout_accuracy, model.train_seconds, shap.background, shap.local_accuracy_error); "
        "the official test set's values need data.test_path"
    )


@pytest.mark.parametrize(
    ("number", "kind", "spec", "shown"),
    [(0.9745, "share", None, "97.5%"), (4500, "count", None, "4,500"), (33.6, "seconds", None, "34 s"),
     (0.4391, "number", None, "0.44"), (0.00012, "number", None, "1.2e-04"), (0.9745, "share", ".2%", "97.45%")],
)  # fmt: skip
def test_a_value_is_shown_by_its_kind_or_its_format(number, kind, spec, shown):
    assert values.formatted(number, kind, spec) == shown


def test_a_format_that_does_not_apply_says_so():
    with pytest.raises(values.ValueNameError) as error:
        values.formatted(0.97, "share", "d")
    assert str(error.value) == "format 'd' does not apply to 0.97: Unknown format code 'd' for object of type 'float'"


def test_a_value_of_an_explanation_is_read_from_the_first_test_seven(project):
    assert values.step_of(project, values.lookup(project, "lime.fit_r2")) == "lime[digit=7]"
    assert values.step_of(project, values.lookup(project, "model.epochs")) == "model"
