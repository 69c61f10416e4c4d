"""SHAP values of the digit classifier, with `shap.DeepExplainer`.

DeepExplainer propagates DeepLIFT-style contributions through the network against a
background sample of training digits and explains the logits, for all ten classes
at once: an array of shape (N, 28, 28, 10) here (shap returns (N, 28, 28, 1, 10)).
The values satisfy local accuracy: for every digit and class, their sum plus the
expected value equals the model's logit; `check_local_accuracy` verifies it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from figures import data, model
from figures.cache import save_arrays

TOLERANCE = 1e-3  # local accuracy, in logits; DeepExplainer is exact up to float32 rounding


def explain(net, background: np.ndarray, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values (N, 28, 28, 10) of `images` and the expected logits (10,)."""
    import shap

    explainer = shap.DeepExplainer(net, model.as_input(background))
    values = np.asarray(explainer.shap_values(model.as_input(images), check_additivity=False))
    return values[:, :, :, 0, :].astype(np.float32), np.asarray(explainer.expected_value, np.float32)


def check_local_accuracy(values: np.ndarray, expected: np.ndarray, logits: np.ndarray) -> float:
    """The largest |sum(SHAP) + expected - logit| over digits and classes."""
    return float(np.abs(values.sum(axis=(1, 2)) + expected - logits).max())


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``shap``: values for the example digit and the grid digits, as ``shap.npz``."""
    arrays = data.load_arrays(inputs["dataset"])
    images, labels, name = data.evaluation_split(arrays)
    logits, _ = model.load_logits(inputs["predictions"])
    classes = [params["digit"], *params["grid_digits"]]
    picked = model.pick_examples(logits, labels, classes)
    rng = np.random.default_rng(params["seed"])
    background = arrays["x_train"][rng.choice(len(arrays["y_train"]), params["background"], replace=False)]
    net = model.load(inputs["model"])
    values, expected = explain(net, background, images[picked])
    error = check_local_accuracy(values, expected, logits[picked])
    if error > TOLERANCE:
        raise ArithmeticError(f"SHAP local accuracy off by {error:.2e} (tolerance {TOLERANCE})")
    save_arrays(
        out / "shap.npz",
        values=values,
        expected=expected,
        images=images[picked],
        labels=labels[picked],
        logits=logits[picked],
        indices=np.array(picked),
    )
    log.info("shap: %d digits x 10 classes, local accuracy within %.1e", len(picked), error)
    return {
        "digits": len(picked),
        "evaluated_on": name,
        "local_accuracy_error": error,
        "background": params["background"],
    }


def load(entry) -> dict[str, np.ndarray]:
    return entry.arrays("shap.npz")
