"""SHAP for one digit: the input on the left, its SHAP map for the digit's class on the right."""

from __future__ import annotations

from matplotlib.figure import Figure

from figures import shap_values, style

INPUTS = ("shap",)


def load(inputs: dict, params: dict) -> dict:
    return shap_values.load(inputs["shap"])


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    image, digit = data["images"][0], int(data["labels"][0])
    values = data["values"][0, :, :, digit]
    limit = style.symmetric_limit(values)
    figure = Figure(figsize=(6.4, 3.9), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.imshow(image, cmap="gray", vmin=0, vmax=255)
    left.set_title(f"Input: a handwritten {digit}")
    right.imshow(image, cmap="gray_r" if palette.name == "light" else "gray", vmin=0, vmax=255, alpha=0.15)
    right.imshow(values, cmap=style.SHAP_OVERLAY, vmin=-limit, vmax=limit)
    right.set_title(f"SHAP values for class {digit}")
    for axes in (left, right):
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_visible(False)
    style.shap_colorbar(figure, limit, [left, right], aspect=40)
    return figure


def alt(data: dict, params: dict) -> str:
    digit = int(data["labels"][0])
    values = data["values"][0, :, :, digit]
    return (
        f"Two panels. Left: a handwritten {digit} from the test digits, white on black. "
        f"Right: the same digit, faint, under a blue-white-red map of its SHAP values for class {digit}; "
        f"red pixels raise the score for {digit} (largest {values.max():.3g}), "
        f"blue pixels lower it (smallest {values.min():.3g}). A colour bar below is labelled SHAP value."
    )
