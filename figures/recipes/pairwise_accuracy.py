"""Pairwise accuracy: for digits a and b, how often the model scores the true one of the pair higher."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import export, model, style, views

INPUTS = ("predictions",)
INTERACTIVE = True
PARAMETERS = {
    "digits": {"type": "digits", "default": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], "min": 2, "help": "the digits compared"},
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
    norm = style.accuracy_norm()
    figure = Figure(figsize=(style.WIDTH, 9.3), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap=style.ACCURACY, norm=norm, origin="lower")
    # Two decimals fit a cell of ten at this size; fewer digits compared, larger cells.
    size = style.FONT if len(digits) >= 9 else style.TITLE
    for (row, col), value in np.ndenumerate(matrix):
        if not np.isnan(value):
            cell = style.ACCURACY(float(norm(value)))
            axes.text(col, row, f"{value:.2f}", ha="center", va="center", fontsize=size, color=style.text_on(cell))
    axes.set_xticks(range(len(digits)), [str(d) for d in digits])
    axes.set_yticks(range(len(digits)), [str(d) for d in digits])
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xlabel("digit_a")
    axes.set_ylabel("digit_b")
    axes.set_title("Accuracy")
    bar = figure.colorbar(image, ax=axes, fraction=0.05, aspect=25)
    # The stretched scale gives the top tenth as much room as 0.5 to 0.8: tick it there.
    bar.set_ticks([0.0, 0.5, 0.8, 0.9, 0.95, 1.0], labels=["0.0", "0.5", "0.8", "0.9", "0.95", "1.0"])
    bar.outline.set_visible(False)
    return figure


def alt(data: dict, params: dict) -> str:
    digits = list(params["digits"])
    matrix = pairwise(data["logits"], data["labels"], digits)
    off = np.where(np.eye(len(digits), dtype=bool), np.nan, matrix)
    j, i = np.unravel_index(np.nanargmin(off), off.shape)
    return (
        f"A heatmap titled Accuracy over digit pairs {digits[0]} to {digits[-1]}, digit_a on the x axis and digit_b "
        f"on the y axis, each cell annotated with two decimals on a 0.0 to 1.0 colour scale from dark red (0.0) "
        f"through white (0.5) to dark blue (1.0), stretched near the ends so that 0.90 is a lighter blue than 1.00. "
        f"The hardest pair is {digits[i]} versus {digits[j]} at {off[j, i]:.2f}."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """The matrix as drawn: rows are digit_b, columns digit_a; the diagonal is the accuracy on the digit."""
    digits = list(params["digits"])
    matrix = pairwise(data["logits"], data["labels"], digits)
    return {"pairwise-accuracy.csv": export.matrix_csv(matrix, "digit_b", "digit_a", digits, digits)}


ACCURACY_STOPS = (0.0, 0.5, 0.8, 0.9, 0.95, 1.0)  # where the view samples the static figure's stretched scale


def view(data: dict, params: dict) -> views.View:
    """The matrix as a heatmap; hovering a cell gives the pair and its value."""
    import altair as alt
    from matplotlib.colors import to_hex

    digits = list(params["digits"])
    matrix = pairwise(data["logits"], data["labels"], digits)
    norm = style.accuracy_norm()
    cells = [(a, b, float(matrix[j, i])) for i, a in enumerate(digits) for j, b in enumerate(digits)]
    cells = [cell for cell in cells if not np.isnan(cell[2])]
    columns = {
        "digit_a": [a for a, _, _ in cells],
        "digit_b": [b for _, b, _ in cells],
        "value": views.numbers(v for _, _, v in cells),
        "ink": [style.text_on(style.ACCURACY(float(norm(v)))) for _, _, v in cells],
        "pair": [f"{a} (on its own)" if a == b else f"{a} vs {b}" for a, b, _ in cells],
    }
    colours = [to_hex(style.ACCURACY(float(norm(stop)))) for stop in ACCURACY_STOPS]
    base = alt.Chart(alt.Data(name="cells")).encode(
        x=alt.X("digit_a:O", title="digit_a", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("digit_b:O", title="digit_b", sort="descending"),
        tooltip=[alt.Tooltip("pair:N", title="pair"), alt.Tooltip("value:Q", title="accuracy", format=".6~g")],
    )
    scale = alt.Scale(domain=list(ACCURACY_STOPS), range=colours, interpolate="rgb")
    legend = alt.Legend(title="accuracy", orient="bottom", values=[0.0, 0.5, 0.9, 1.0], gradientLength=240)
    cells_chart = base.mark_rect().encode(color=alt.Color("value:Q", scale=scale, legend=legend))
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("value:Q", format=".2f"), color=alt.Color("ink:N", scale=None)
    )
    # The text's colour is no scale (scale=None): the layers must not share one.
    spec = (
        (cells_chart + text)
        .resolve_scale(color="independent")
        .properties(width=300, height=300, title="Accuracy")
        .to_dict()
    )
    return views.View(spec, {"cells.json": {"datasets": {"cells": columns}}}, "cells.json")
