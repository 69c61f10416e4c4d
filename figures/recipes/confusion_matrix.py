"""Confusion matrix of the classifier on the evaluation digits."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import model, style

INPUTS = ("predictions",)


def load(inputs: dict, params: dict) -> dict:
    logits, labels = model.load_logits(inputs["predictions"])
    matrix = np.zeros((10, 10), np.int64)
    np.add.at(matrix, (labels, logits.argmax(1)), 1)
    return {"matrix": matrix}


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    matrix = data["matrix"]
    figure = Figure(figsize=(5.6, 4.8), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap=palette.sequential)
    threshold = matrix.max() / 2
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            axes.text(
                col,
                row,
                str(count),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if (count > threshold) == (palette.name == "light") else "black",
            )
    axes.set_xticks(range(10))
    axes.set_yticks(range(10))
    axes.set_xlabel("predicted label")
    axes.set_ylabel("true label")
    axes.set_title("Confusion matrix")
    figure.colorbar(image, ax=axes, label="digits").outline.set_visible(False)
    return figure


def alt(data: dict, params: dict) -> str:
    matrix = data["matrix"]
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    true, predicted = np.unravel_index(off.argmax(), off.shape)
    return (
        f"A 10 by 10 confusion matrix of {matrix.sum()} test digits: {np.trace(matrix)} lie on the diagonal "
        f"(correct). The most frequent mistake is a true {true} predicted as {predicted} ({off.max()} times)."
    )
