"""Pairwise accuracy: for digits a and b, how often the model scores the true one of the pair higher."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import model, style

INPUTS = ("predictions",)
PARAMETERS = {
    "digits": {"type": "digits", "default": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "help": "the digits compared, in order"},
}


def pairwise(logits: np.ndarray, labels: np.ndarray, digits: list[int]) -> np.ndarray:
    """Matrix [b, a]: off the diagonal, among digits labelled a or b, the share whose logit
    for the true one of the pair exceeds the other's; on the diagonal, accuracy on digit a."""
    n = len(digits)
    result = np.full((n, n), np.nan)
    predicted = logits.argmax(1)
    for i, a in enumerate(digits):
        for j, b in enumerate(digits):
            if a == b:
                mask = labels == a
                result[j, i] = np.mean(predicted[mask] == a) if mask.any() else np.nan
                continue
            mask = (labels == a) | (labels == b)
            if not mask.any():
                continue
            true, other = np.where(labels[mask] == a, a, b), np.where(labels[mask] == a, b, a)
            rows = np.flatnonzero(mask)
            result[j, i] = np.mean(logits[rows, true] > logits[rows, other])
    return result


def load(inputs: dict, params: dict) -> dict:
    logits, labels = model.load_logits(inputs["predictions"])
    return {"logits": logits, "labels": labels}


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    digits = list(params["digits"])
    matrix = pairwise(data["logits"], data["labels"], digits)
    figure = Figure(figsize=(5.8, 4.9), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap=palette.sequential, vmin=0.0, vmax=1.0, origin="lower")
    for (row, col), value in np.ndenumerate(matrix):
        if not np.isnan(value):
            light_text = (value > 0.5) == (palette.name == "light")
            axes.text(
                col, row, f"{value:.2f}", ha="center", va="center", fontsize=7, color="white" if light_text else "black"
            )
    axes.set_xticks(range(len(digits)), [str(d) for d in digits])
    axes.set_yticks(range(len(digits)), [str(d) for d in digits])
    axes.set_xlabel("digit_a")
    axes.set_ylabel("digit_b")
    axes.set_title("Accuracy")
    bar = figure.colorbar(image, ax=axes)
    bar.set_ticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    bar.outline.set_visible(False)
    return figure


def alt(data: dict, params: dict) -> str:
    digits = list(params["digits"])
    matrix = pairwise(data["logits"], data["labels"], digits)
    off = np.where(np.eye(len(digits), dtype=bool), np.nan, matrix)
    j, i = np.unravel_index(np.nanargmin(off), off.shape)
    return (
        f"A heatmap titled Accuracy over digit pairs {digits[0]} to {digits[-1]}, digit_a on the x axis and digit_b "
        f"on the y axis, each cell annotated with two decimals on a 0.0 to 1.0 colour scale. "
        f"The hardest pair is {digits[i]} versus {digits[j]} at {off[j, i]:.2f}."
    )
