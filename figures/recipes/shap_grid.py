"""SHAP grid: test digits (rows) by the ten classes (columns), one shared colour scale."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import export, shap_values, style

INPUTS = ("shap[digits]",)
PARAMETERS = {
    "digits": {"type": "digits", "default": [3, 4, 8, 9], "help": "the labels of the rows, one test digit each"},
}


GRID_OUTLINE = 1.0  # points: the maps are small, a thicker outline would cover them


def load(inputs: dict, params: dict) -> dict:
    rows = [shap_values.load(entry) for entry in inputs["shap"]]
    return {
        "images": np.stack([row["image"] for row in rows]),
        "labels": np.array([int(row["label"]) for row in rows]),
        "values": np.stack([row["values"] for row in rows]),
        "indices": np.array([int(row["index"]) for row in rows]),
    }


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    images, values = data["images"], data["values"]
    rows = len(images)
    limit = style.symmetric_limit(values)
    figure = Figure(figsize=(style.WIDTH, 0.95 * rows + 2.2), layout="constrained")
    layout = figure.add_gridspec(rows + 1, 11, height_ratios=[1] * rows + [0.14])
    grid = np.array([[figure.add_subplot(layout[row, col]) for col in range(11)] for row in range(rows)])
    for row in range(rows):
        grid[row, 0].imshow(images[row], cmap="gray", vmin=0, vmax=255)
        style.bare(grid[row, 0])
        for digit in range(10):
            style.explained_digit(
                grid[row, digit + 1], images[row], values[row, :, :, digit], limit, palette, outline=GRID_OUTLINE
            )
    # Column headings are the bare class digits: "class 0" would not fit over a cell.
    for col, heading in enumerate(["input", *map(str, range(10))]):
        grid[0, col].set_title(heading, fontsize=style.FONT)
    figure.suptitle("SHAP values of each test digit (rows) for each class (columns)", fontsize=style.FONT)
    style.signed_colorbar(figure, limit, "SHAP value", palette, cax=figure.add_subplot(layout[rows, 1:]))
    return figure


def alt(data: dict, params: dict) -> str:
    labels = ", ".join(str(int(v)) for v in data["labels"])
    return (
        f"A grid of SHAP maps with {len(data['labels'])} rows, one per test digit (labels {labels}), "
        "and eleven columns: the input digit, then its SHAP values for each class from 0 to 9 "
        "over the faint, outlined digit, in blue (lowers the class score) and red (raises it), "
        "the stronger the larger, on one shared colour scale."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """Every pixel of every row's digit with its SHAP value for each class."""
    columns = zip(data["images"], data["labels"], data["indices"], data["values"], strict=True)
    rows = [
        row
        for image, label, index, values in columns
        for row in export.pixel_csv(image, values, [("label", int(label)), ("test_digit", int(index))])
    ]
    return {"shap-values.csv": export.csv_bytes(["label", "test_digit", *export.PIXEL_HEADER], rows)}
