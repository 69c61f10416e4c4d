"""The whole figure pipeline on a small, fast configuration: model, SHAP, LIME, every recipe.

Two epochs, a small SHAP background and few LIME samples: about a minute here,
TensorFlow included. The real configuration is covered by the end-to-end build.
"""

from __future__ import annotations

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT
from PIL import Image

from explaining_machines.files import sha256_file
from explaining_machines.settings import load
from figures import data, model, recipes, shap_values
from figures import lime_segments as lime
from figures.graph import Project
from figures.recipes import pairwise_accuracy

pytestmark = pytest.mark.slow

FIGURES = sorted(recipes.discover())

SMALL = {
    "model": {"epochs": 2},
    "figures": {"background": 10, "lime_samples": 200, "lime_segments": 30, "dpi": 60},
}


@pytest.fixture(scope="session")
def small(tmp_path_factory) -> Project:
    project = Project(load({"cache_dir": str(tmp_path_factory.mktemp("small") / "cache"), **SMALL}, ROOT))
    project.build(FIGURES)
    return project


def test_training_is_deterministic(small, tmp_path):
    """Same inputs, same weights: a second training in a fresh folder gives identical arrays."""
    entry = small.used["model"]
    step = small.graph["model"]
    out = tmp_path / "again"
    out.mkdir()
    meta = model.train({"dataset": small.used["dataset"]}, step.params, out, _Quiet())
    first = model.load(entry).get_weights()
    second = model.load(_At(out)).get_weights()
    assert len(first) == len(second) == 8
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    assert meta["holdout_accuracy"] == entry.meta["holdout_accuracy"]
    assert entry.meta["holdout_accuracy"] > 0.85  # two epochs already learn the digits


def test_shap_values_have_the_documented_shape_and_local_accuracy(small):
    explained = [shap_values.load(small.used[f"shap[digit={d}]"]) for d in (7, 3, 4, 8, 9)]
    assert all(e["values"].shape == (28, 28, 10) and e["expected"].shape == (10,) for e in explained)
    net = model.load(small.used["model"])
    logits = net.predict(model.as_input(np.stack([e["image"] for e in explained])), verbose=0)
    sums = np.stack([e["values"].sum(axis=(0, 1)) + e["expected"] for e in explained])
    assert np.abs(sums - logits).max() < shap_values.TOLERANCE
    assert [int(e["label"]) for e in explained] == [7, 3, 4, 8, 9]
    assert [int(e["predicted"]) for e in explained] == logits.argmax(1).tolist()


def test_local_accuracy_check_catches_a_wrong_sum():
    values = np.zeros((1, 28, 28, 10), np.float32)
    values[0, 0, 0, 3] = 1.0
    assert shap_values.check_local_accuracy(values, np.zeros(10, np.float32), np.zeros((1, 10))) == 1.0


def test_lime_segments_cover_the_digit_and_weights_are_finite(small):
    result = lime.load(small.used["lime[digit=7]"])
    segments, weights = result["segments"], result["weights"]
    assert segments.shape == (28, 28) and segments.min() == 0
    assert sorted(np.unique(segments)) == list(range(len(weights)))  # labels 0..n-1, none empty
    assert 10 <= len(weights) <= 45
    assert np.isfinite(weights).all() and np.abs(weights).max() > 0
    assert np.abs(weights).max() < 2  # weights of a softmax probability
    assert result["image"].shape == (28, 28) and int(result["label"]) == 7


@pytest.mark.parametrize("name", FIGURES)
def test_each_recipe_writes_two_palettes_of_one_size(small, name):
    entry = small.used[f"figure:{name}"]
    light = Image.open(io.BytesIO(entry.file("light.png").read_bytes()))
    dark = Image.open(io.BytesIO(entry.file("dark.png").read_bytes()))
    assert light.format == dark.format == "PNG"
    assert light.size == dark.size == (entry.meta["width"], entry.meta["height"])
    assert light.size[0] > 150 and light.size[1] > 100
    rgba_light, rgba_dark = rgba(light), rgba(dark)
    assert rgba_light[2, 2, 3] == rgba_dark[2, 2, 3] == 0  # transparent: the page colour shows through
    assert (rgba_light[..., 3] > 0).mean() > 0.05  # not blank
    assert not np.array_equal(rgba_light, rgba_dark)  # the dark variant is drawn in its own colours
    assert len(entry.meta["alt"]) > 60
    expected = "trees" if name == "feature-importance" else "training digits"
    assert expected in entry.meta["provenance"]
    assert plt.get_fignums() == []  # the recipe left no pyplot figure open


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


def test_evaluation_uses_the_official_test_set_when_given(small):
    arrays = data.load_arrays(small.used["dataset"])
    assert data.evaluation_split(arrays)[2] == "held-out digits"
    arrays["x_test"], arrays["y_test"] = arrays["x_holdout"][:5], arrays["y_holdout"][:5]
    assert data.evaluation_split(arrays)[2] == "official MNIST test set"


def rgba(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGBA"))


class _Quiet:
    def info(self, *args) -> None:
        pass


class _At:
    """Enough of a cache entry for `model.load`."""

    def __init__(self, path) -> None:
        self.path = path

    def file(self, name: str):
        return self.path / name

    def digest(self, name: str) -> str:
        return sha256_file(self.path / name)
