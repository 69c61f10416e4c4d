"""The whole figure pipeline on a small, fast configuration: model, SHAP, LIME, every recipe.

Two epochs, a small SHAP background and few LIME samples: about a minute here,
TensorFlow included. The real configuration is covered by the end-to-end build.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import ROOT, build_env, code_copy
from PIL import Image

from explaining_machines.files import sha256_file
from explaining_machines.settings import load
from figures import dataset, model, recipes, shap_values
from figures import lime_segments as lime
from figures.graph import Project

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
    assert sha256_file(out / "model.keras") == entry.digest("model.keras")  # the same bytes: early cutoff holds
    assert meta["holdout_accuracy"] == entry.meta["holdout_accuracy"]
    assert entry.meta["holdout_accuracy"] > 0.85  # two epochs already learn the digits


def test_an_edit_to_the_data_loader_that_keeps_the_dataset_bytes_recomputes_nothing_else(small, tmp_path):
    """Early cutoff: the dataset is made again by the edited code, byte for byte the same, so every
    key downstream is as it was: no training, no explanation, no figure is computed again."""
    small.cache.write_manifest(small.used)
    loader = code_copy(tmp_path) / "figures" / "data.py"
    text = loader.read_text()
    assert "    held_set = set(held)\n" in text
    loader.write_text(text.replace("    held_set = set(held)\n", "    held_set = frozenset(held)\n"))
    project = "".join(f"    {name}: {json.dumps(section)}\n" for name, section in SMALL.items())  # JSON is YAML
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nextra:\n  project:\n    cache_dir: {small.settings.cache_path}\n{project}"
    )
    done = subprocess.run(
        [sys.executable, "-m", "figures", "--config", str(tmp_path / "mkdocs.yml"), "build", *FIGURES],
        cwd=tmp_path, env=build_env(tmp_path), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    computed = re.findall(r"INFO +(\S+): computing \((.*)\)", done.stdout)
    assert computed == [("dataset", "code changed (figures.data)")], done.stdout
    cached = set(re.findall(r"INFO +(\S+): cached \(", done.stdout))
    assert {"model", "predictions", "shap[digit=7]", "lime[digit=7]", *(f"figure:{n}" for n in FIGURES)} <= cached
    assert "TensorFlow loaded" not in done.stdout


def test_shap_values_have_the_documented_shape_and_local_accuracy(small):
    explained = [shap_values.load(small.used[f"shap[digit={d}]"]) for d in (7, 3, 4, 8, 9)]
    assert all(e["values"].shape == (28, 28, 10) and e["expected"].shape == (10,) for e in explained)
    net = model.load(small.used["model"])
    logits = net.predict(model.as_input(np.stack([e["image"] for e in explained])), verbose=0)
    sums = np.stack([e["values"].sum(axis=(0, 1)) + e["expected"] for e in explained])
    assert np.abs(sums - logits).max() < shap_values.TOLERANCE
    assert [int(e["label"]) for e in explained] == [7, 3, 4, 8, 9]
    assert [int(e["predicted"]) for e in explained] == logits.argmax(1).tolist()


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


def test_evaluation_uses_the_official_test_set_when_given(small):
    arrays = dataset.load_arrays(small.used["dataset"])
    assert dataset.evaluation_split(arrays)[2] == "held-out digits"
    arrays["x_test"], arrays["y_test"] = arrays["x_holdout"][:5], arrays["y_holdout"][:5]
    assert dataset.evaluation_split(arrays)[2] == "official MNIST test set"


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
