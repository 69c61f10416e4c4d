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

from figures import dataset, model
from figures.cache import save_arrays
from figures.names import DATASET, MODEL, PREDICTIONS

TOLERANCE = 1e-3  # local accuracy, in logits; DeepExplainer is exact up to float32 rounding


_explainers: dict[tuple, object] = {}


def explainer(inputs: dict, background: int, seed: int):
    """A DeepExplainer for the model against `background` training digits drawn with `seed`.

    Kept for the process: a build that explains several digits sets it up once.
    """
    import shap

    key = (inputs[MODEL].key, inputs[DATASET].key, background, seed)
    if key not in _explainers:
        arrays = dataset.load_arrays(inputs[DATASET])
        rng = np.random.default_rng(seed)
        sample = arrays["x_train"][rng.choice(len(arrays["y_train"]), background, replace=False)]
        _explainers[key] = shap.DeepExplainer(model.load(inputs[MODEL]), model.as_input(sample))
    return _explainers[key]


def explain(deep, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """SHAP values (N, 28, 28, 10) of `images` and the expected logits (10,)."""
    values = np.asarray(deep.shap_values(model.as_input(images), check_additivity=False))
    return values[:, :, :, 0, :].astype(np.float32), np.asarray(deep.expected_value, np.float32)


def check_local_accuracy(values: np.ndarray, expected: np.ndarray, logits: np.ndarray) -> float:
    """The largest |sum(SHAP) + expected - logit| over digits and classes."""
    return float(np.abs(values.sum(axis=(1, 2)) + expected - logits).max())


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``shap[digit=...]``: the SHAP values of one test digit for all ten classes, as ``shap.npz``."""
    images, labels, name = dataset.evaluation_split(dataset.load_arrays(inputs[DATASET]))
    logits, _ = model.load_logits(inputs[PREDICTIONS])
    at = model.select(logits, labels, params["digit"], params["index"], params["misclassified"])
    values, expected = explain(explainer(inputs, params["background"], params["seed"]), images[at : at + 1])
    error = check_local_accuracy(values, expected, logits[at : at + 1])
    if error > TOLERANCE:
        raise ArithmeticError(f"SHAP local accuracy off by {error:.2e} (tolerance {TOLERANCE})")
    predicted = int(logits[at].argmax())
    save_arrays(
        out / "shap.npz", values=values[0], expected=expected, image=images[at], label=np.int64(labels[at]),
        logits=logits[at], index=np.int64(at), predicted=np.int64(predicted),
    )  # fmt: skip
    log.info("shap: test digit %d (a %d, predicted %d), local accuracy within %.1e", at, labels[at], predicted, error)
    return {"index": int(at), "label": int(labels[at]), "predicted": predicted, "evaluated_on": name,
            "local_accuracy_error": error, "background": params["background"]}  # fmt: skip


def gallery_choice(logits: np.ndarray, labels: np.ndarray, total: int, misread: int) -> np.ndarray:
    """Positions of the gallery's `total` digits, sorted: the first test digit of each label, up
    to `misread` that the model gets wrong (in test-set order), then each label's next ones."""
    wrong = logits.argmax(1) != labels
    chosen = [int(np.flatnonzero(labels == digit)[0]) for digit in range(10) if (labels == digit).any()]
    chosen += [int(i) for i in np.flatnonzero(wrong) if int(i) not in chosen][:misread]
    for rank in range(1, len(labels)):
        for digit in range(10):
            found = np.flatnonzero(labels == digit)
            if len(chosen) < total and rank < len(found) and int(found[rank]) not in chosen:
                chosen.append(int(found[rank]))
        if len(chosen) >= total:
            break
    return np.array(sorted(chosen[:total]), dtype=np.int64)


def gallery(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``gallery``: SHAP values of a fixed set of test digits (`gallery_choice`),
    all ten classes, explained in one batch, as ``gallery.npz``."""
    images, labels, name = dataset.evaluation_split(dataset.load_arrays(inputs[DATASET]))
    logits, _ = model.load_logits(inputs[PREDICTIONS])
    at = gallery_choice(logits, labels, params["total"], params["misread"])
    values, expected = explain(explainer(inputs, params["background"], params["seed"]), images[at])
    error = check_local_accuracy(values, expected, logits[at])
    if error > TOLERANCE:
        raise ArithmeticError(f"SHAP local accuracy off by {error:.2e} (tolerance {TOLERANCE})")
    predicted = logits[at].argmax(1)
    save_arrays(
        out / "gallery.npz", values=values, expected=expected, images=images[at], labels=labels[at].astype(np.int64),
        predicted=predicted.astype(np.int64), index=at,
    )  # fmt: skip
    misread = int((predicted != labels[at]).sum())
    log.info("gallery: %d test digits (%d misread), local accuracy within %.1e", len(at), misread, error)
    return {"digits": len(at), "misread": misread, "evaluated_on": name, "local_accuracy_error": error,
            "background": params["background"]}  # fmt: skip


def load(entry) -> dict[str, np.ndarray]:
    """The arrays of one ``shap`` entry: values (28, 28, 10), expected, image, label, predicted, logits, index."""
    return entry.arrays("shap.npz")
