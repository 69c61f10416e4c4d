"""Confusion matrix of the classifier on the evaluation digits, as counts or as shares of each true label."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import export, model, style, views

INPUTS = ("predictions",)
INTERACTIVE = True
PARAMETERS = {
    "normalize": {"type": "bool", "default": False, "help": "show each row as shares of its true label"},
}


def load(inputs: dict, params: dict) -> dict:
    logits, labels = model.load_logits(inputs["predictions"])
    matrix = np.zeros((10, 10), np.int64)
    np.add.at(matrix, (labels, logits.argmax(1)), 1)
    return {"matrix": matrix}


def shown(data: dict, params: dict) -> np.ndarray:
    """The matrix as drawn: counts, or with `normalize` each row divided by its total."""
    matrix = data["matrix"]
    if not params["normalize"]:
        return matrix
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros(matrix.shape), where=totals > 0)


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    matrix = shown(data, params)
    figure = Figure(figsize=(style.WIDTH, 9.3), layout="constrained")
    axes = figure.subplots()
    image = axes.imshow(matrix, cmap=palette.sequential, vmin=0, vmax=1 if params["normalize"] else None)
    for (row, col), count in np.ndenumerate(matrix):
        if count:
            axes.text(
                col,
                row,
                f"{count:.2f}" if params["normalize"] else str(count),
                ha="center",
                va="center",
                color=style.text_on(image.to_rgba(count)),  # the larger contrast with the cell
            )
    axes.set_xticks(range(10))
    axes.set_yticks(range(10))
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_xlabel("predicted label")
    axes.set_ylabel("true label")
    axes.set_title("Confusion matrix")
    label = "share of the true label's digits" if params["normalize"] else "digits"
    figure.colorbar(image, ax=axes, label=label, fraction=0.05, aspect=25).outline.set_visible(False)
    return figure


def alt(data: dict, params: dict) -> str:
    matrix = data["matrix"]
    off = matrix.copy()
    np.fill_diagonal(off, 0)
    true, predicted = np.unravel_index(off.argmax(), off.shape)
    scale = "Each row is shown as shares of its true label. " if params["normalize"] else ""
    return (
        f"A 10 by 10 confusion matrix of {matrix.sum()} test digits: {np.trace(matrix)} lie on the diagonal "
        f"(correct). {scale}The most frequent mistake is a true {true} predicted as {predicted} ({off.max()} times)."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """The matrix as drawn: rows are true labels, columns predicted labels."""
    digits = list(range(10))
    return {"confusion-matrix.csv": export.matrix_csv(shown(data, params), "true", "predicted", digits, digits)}


def view(data: dict, params: dict) -> views.View:
    """The matrix as a heatmap in the palette's colour map; hovering a cell gives the pair and its value."""
    import altair as alt
    import matplotlib
    from matplotlib.colors import Normalize

    matrix = shown(data, params)
    top = 1.0 if params["normalize"] else float(matrix.max()) or 1.0
    cells = [(t, p, matrix[t, p]) for t in range(10) for p in range(10)]
    inks = {}
    for name, palette in style.PALETTES.items():  # the text on a cell, as the static figure picks it
        colours = matplotlib.colormaps[palette.sequential]
        inks[f"ink_{name}"] = [style.text_on(colours(Normalize(0, top)(float(v)))) for _, _, v in cells]
    columns = {
        "actual": [t for t, _, _ in cells],  # not "true": Vega's expressions read datum.true as the literal
        "predicted": [p for _, p, _ in cells],
        "value": views.numbers(v for _, _, v in cells) if params["normalize"] else [int(v) for _, _, v in cells],
        **inks,
    }
    what = "share of the true label" if params["normalize"] else "digits"
    palette = alt.param(name="palette", value="light")  # set by the page to the palette shown
    base = (
        alt.Chart(alt.Data(name="cells"))
        .transform_calculate(
            ink="palette == 'dark' ? datum.ink_dark : datum.ink_light",
            pair="datum.actual + ' predicted as ' + datum.predicted",
        )
        .encode(
            x=alt.X("predicted:O", title="predicted label", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("actual:O", title="true label"),
            tooltip=[alt.Tooltip("pair:N", title="true, predicted"), alt.Tooltip("value:Q", title=what, format=".6~g")],
        )
    )
    scale = alt.Scale(domain=[0, top], range="heatmap")
    cells_chart = base.mark_rect().encode(
        color=alt.Color("value:Q", scale=scale, legend=alt.Legend(title=what, orient="bottom"))
    )
    label = alt.Text("value:Q", format=".2f" if params["normalize"] else "d")
    text = base.mark_text(fontSize=11).encode(text=label, color=alt.Color("ink:N", scale=None))
    text = text.transform_filter("datum.value > 0")
    # The text's colour is no scale (scale=None): the layers must not share one.
    layers = (cells_chart + text).resolve_scale(color="independent").add_params(palette)
    spec = layers.properties(width=300, height=300, title="Confusion matrix").to_dict()
    return views.View(spec, {"cells.json": {"datasets": {"cells": columns}}}, "cells.json")
