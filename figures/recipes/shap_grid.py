"""SHAP grid: test digits (rows) by the ten classes (columns), one shared colour scale."""

from __future__ import annotations

from matplotlib.figure import Figure

from figures import shap_values, style

INPUTS = ("shap",)


def load(inputs: dict, params: dict) -> dict:
    data = shap_values.load(inputs["shap"])
    return {name: array[1:] for name, array in data.items() if name != "expected"}  # row 0 is the single digit


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    images, labels, values = data["images"], data["labels"], data["values"]
    rows = len(images)
    limit = style.symmetric_limit(values)
    figure = Figure(figsize=(9.6, 1.0 * rows + 1.1), layout="constrained")
    grid = figure.subplots(rows, 11, squeeze=False)
    for row in range(rows):
        grid[row, 0].imshow(images[row], cmap="gray", vmin=0, vmax=255)
        grid[row, 0].set_title(f"label {labels[row]}", fontsize=9)
        for digit in range(10):
            axes = grid[row, digit + 1]
            axes.imshow(images[row], cmap="gray_r" if palette.name == "light" else "gray", vmin=0, vmax=255, alpha=0.15)
            axes.imshow(values[row, :, :, digit], cmap=style.SHAP_OVERLAY, vmin=-limit, vmax=limit)
            if row == 0:
                axes.set_title(f"class {digit}", fontsize=9)
    for axes in grid.flat:
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_visible(False)
    style.shap_colorbar(figure, limit, grid.ravel().tolist(), aspect=60)
    return figure


def alt(data: dict, params: dict) -> str:
    labels = ", ".join(str(int(v)) for v in data["labels"])
    return (
        f"A grid of SHAP maps with {len(data['labels'])} rows, one per test digit (labels {labels}), "
        "and eleven columns: the input digit, then its SHAP values for each class from 0 to 9 "
        "in blue (lowers the class score) and red (raises it), on one shared colour scale."
    )
