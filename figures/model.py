"""The digit classifier: a small Keras 3 convolutional network on TensorFlow (CPU).

Training is deterministic: fixed seeds (`keras.utils.set_random_seed`), TensorFlow
op determinism, and a NumPy generator for the augmentation shifts, so the same
inputs give the same weights; `save` then writes them to the same bytes, so that a
retrained model with the same weights leaves every later step's key as it was
(`figures.entries`, early cutoff). The network outputs logits (no softmax): SHAP
explains the logits, and local accuracy is checked against them.

TensorFlow is imported inside the functions (through `figures.runtime`), never at
module import, so that a build whose entries are all cached never loads it.
"""

from __future__ import annotations

import functools
import json
import time
import zipfile
from pathlib import Path

import numpy as np

from figures import dataset, runtime
from figures.cache import save_arrays
from figures.errors import FigureError
from figures.names import DATASET, MODEL

FILE = "model.keras"


def _keras(seed: int):
    keras = runtime.keras()
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    return keras


def build(keras, learning_rate: float, steps: int):
    """Two convolution blocks and a dense head: ~225k weights, ~98% on MNIST from 5k digits.

    Every layer is named: Keras numbers unnamed ones per process (``dense``, ``dense_2``),
    which would give a second model trained in one process other bytes in its file.
    """
    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((28, 28, 1), name="pixels"),
            layers.Conv2D(32, 3, activation="relu", name="conv1"),
            layers.MaxPooling2D(name="pool1"),
            layers.Conv2D(64, 3, activation="relu", name="conv2"),
            layers.MaxPooling2D(name="pool2"),
            layers.Flatten(name="flatten"),
            layers.Dropout(0.4, name="dropout"),
            layers.Dense(128, activation="relu", name="hidden"),
            layers.Dense(10, name="logits"),
        ],
        name="digits",
    )
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule, name="adam"),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
        # No XLA. With op determinism on, Keras 3.15 turns jit_compile=True off without a
        # word (trainers/trainer.py, model_supports_jit), and forcing it fails: "GPU MaxPool
        # gradient ops do not yet have a deterministic XLA implementation". Without
        # determinism XLA is slower here, not faster: 12 epochs took 92 s of CPU time
        # against 21 s (99-170 s against 16-39 s of wall time; two cores, TensorFlow 2.21,
        # measured for bench/cold.py). Determinism itself costs about 8% of CPU time and,
        # on an idle machine, one core (30 s against 16 s of wall time); the cache needs it.
        jit_compile=False,
    )
    return model


def save(model, path: Path) -> None:
    """Save `model` as a ``.keras`` file whose bytes depend only on the model.

    Keras 3.15 writes the time into the file (the weights' zip member time, ``date_saved``
    in metadata.json) and the addresses of Python objects (config.json's
    ``shared_object_id``, keras-team/keras#23256), so two trainings with the same weights
    gave different files. The archive is rewritten without them: member times fixed at
    zip's epoch, ``date_saved`` dropped (Keras never reads it back), each shared object
    numbered in order of appearance (which keeps what is shared with what).
    """
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    ids: dict[object, int] = {}

    def renumber(node):
        if isinstance(node, dict):
            return {k: ids.setdefault(v, len(ids) + 1) if k == "shared_object_id" else renumber(v)
                    for k, v in node.items()}  # fmt: skip
        return [renumber(item) for item in node] if isinstance(node, list) else node

    with zipfile.ZipFile(path, "w") as archive:
        for info, content in members:
            if info.filename == "config.json":
                content = json.dumps(renumber(json.loads(content))).encode()
            elif info.filename == "metadata.json":
                metadata = json.loads(content)
                metadata.pop("date_saved", None)
                content = json.dumps(metadata).encode()
            fixed = zipfile.ZipInfo(info.filename)  # 1980-01-01 00:00:00
            fixed.compress_type, fixed.external_attr = info.compress_type, info.external_attr
            archive.writestr(fixed, content)


def shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each image by up to `max_shift` pixels in x and y, filling with black."""
    if max_shift == 0:
        return images
    n = len(images)
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0)))
    dx = rng.integers(-max_shift, max_shift + 1, n) + max_shift
    dy = rng.integers(-max_shift, max_shift + 1, n) + max_shift
    rows = dy[:, None] + np.arange(28)[None, :]
    cols = dx[:, None] + np.arange(28)[None, :]
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def as_input(images: np.ndarray) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 28, 28, 1) in [0, 1]."""
    return (images.astype(np.float32) / 255.0)[..., None]


def train(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``model``: train, save ``model.keras``, report accuracy."""
    arrays = dataset.load_arrays(inputs[DATASET])
    started = time.perf_counter()
    keras = _keras(params["seed"])
    log.info("model: TensorFlow loaded in %.1f s", time.perf_counter() - started)
    x, y = as_input(arrays["x_train"]), arrays["y_train"]
    batches = -(-len(y) // params["batch_size"])
    model = build(keras, params["learning_rate"], params["epochs"] * batches)
    rng = np.random.default_rng(params["seed"])
    started = time.perf_counter()
    for epoch in range(1, params["epochs"] + 1):
        history = model.fit(
            shift(x, params["augment_shift"], rng),
            y,
            batch_size=params["batch_size"],
            epochs=1,
            shuffle=True,
            verbose=0,
        )
        log.info(
            "model: epoch %d/%d  loss %.4f  accuracy %.4f  (%.0f s)",
            epoch,
            params["epochs"],
            history.history["loss"][-1],
            history.history["accuracy"][-1],
            time.perf_counter() - started,
        )
    seconds = time.perf_counter() - started
    save(model, out / FILE)
    meta = {"train_seconds": round(seconds, 1), "train_digits": int(len(y))}
    for split in ("holdout", "test"):
        if f"x_{split}" in arrays:
            logits = model.predict(as_input(arrays[f"x_{split}"]), batch_size=500, verbose=0)
            accuracy = float(np.mean(logits.argmax(1) == arrays[f"y_{split}"]))
            meta[f"{split}_accuracy"] = round(accuracy, 4)
            meta[f"{split}_digits"] = int(len(logits))
            log.info("model: accuracy on %d %s digits: %.2f%%", len(logits), split, 100 * accuracy)
    return meta


class SelectionError(FigureError):
    """No test digit matches what a figure asks for; the message says what there is."""


@functools.lru_cache(maxsize=2)
def _load(path: Path, digest: str):
    return runtime.keras().models.load_model(path, compile=False, safe_mode=True)


def load(entry):
    """The trained model of a ``model`` entry, loaded with Keras' safe mode, once per process."""
    return _load(entry.file(FILE), entry.digest(FILE))


def predict(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``predictions``: logits of the evaluation digits, as ``logits.npz``."""
    arrays = dataset.load_arrays(inputs[DATASET])
    images, labels, name = dataset.evaluation_split(arrays)
    model = load(inputs[MODEL])
    logits = model.predict(as_input(images), batch_size=500, verbose=0).astype(np.float32)
    save_arrays(out / "logits.npz", logits=logits, labels=labels)
    accuracy = float(np.mean(logits.argmax(1) == labels))
    log.info("predictions: %d %s, accuracy %.2f%%", len(labels), name, 100 * accuracy)
    return {"evaluated_on": name, "digits": int(len(labels)), "accuracy": round(accuracy, 4)}


def load_logits(entry) -> tuple[np.ndarray, np.ndarray]:
    arrays = entry.arrays("logits.npz")
    return arrays["logits"], arrays["labels"]


def select(logits: np.ndarray, labels: np.ndarray, digit: int, index: int, misclassified: bool) -> int:
    """The position of the `index`-th evaluation digit labelled `digit` (among those the model
    gets wrong, with `misclassified`); raises `SelectionError` saying how many there are."""
    candidates = labels == digit
    if misclassified:
        candidates &= logits.argmax(1) != labels
    found = np.flatnonzero(candidates)
    if index < len(found):
        return int(found[index])
    which = f"misclassified test digits labelled {digit}" if misclassified else f"test digits labelled {digit}"
    if len(found) == 0:
        raise SelectionError(f"there are no {which}")
    raise SelectionError(f"index={index} is too large: there are {len(found)} {which} (index 0 to {len(found) - 1})")
