"""LIME beside SHAP for the same digit: supporting and opposing segments, and the SHAP map."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from skimage.segmentation import find_boundaries

from figures import lime_segments, shap_values, style

INPUTS = ("lime", "shap")
PARAMETERS = {
    "top_segments": {"type": "int", "default": 8, "min": 1, "max": 40, "help": "how many segments to tint"},
}

EDGE_SCALE = 8


def load(inputs: dict, params: dict) -> dict:
    return {"lime": lime_segments.load(inputs["lime"]), "shap": shap_values.load(inputs["shap"])}


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    lime, shap = data["lime"], data["shap"]
    image, segments, weights = lime["image"], lime["segments"], lime["weights"]
    digit = int(lime["label"])
    top = params["top_segments"]
    order = np.argsort(-np.abs(weights))[:top]
    sign = np.zeros(segments.shape)
    for segment in order:
        sign[segments == segment] = np.sign(weights[segment])
    figure = Figure(figsize=(6.4, 3.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.imshow(image, cmap="gray", vmin=0, vmax=255)
    overlay = np.ma.masked_where(sign == 0, sign)
    left.imshow(overlay, cmap=ListedColormap([style.BLUE, style.RED]), vmin=-1, vmax=1, alpha=0.55)
    # Segment outlines as thin lines: on the 28x28 grid a boundary would be a whole pixel
    # wide and hide the digit, so trace them on a grid eight times finer.
    fine = np.kron(segments, np.ones((EDGE_SCALE, EDGE_SCALE), dtype=segments.dtype))
    edges = np.ma.masked_where(~find_boundaries(fine, mode="inner"), np.ones(fine.shape))
    left.imshow(
        edges, cmap=ListedColormap([palette.muted]), alpha=0.8, extent=(-0.5, 27.5, 27.5, -0.5), interpolation="nearest"
    )
    left.set_title(f"LIME: top {top} segments for class {digit}")
    values = shap["values"][0, :, :, digit]
    limit = style.symmetric_limit(values)
    right.imshow(shap["images"][0], cmap="gray_r" if palette.name == "light" else "gray", vmin=0, vmax=255, alpha=0.15)
    right.imshow(values, cmap=style.SHAP_OVERLAY, vmin=-limit, vmax=limit)
    right.set_title(f"SHAP values for class {digit}")
    for axes in (left, right):
        axes.set_xticks([])
        axes.set_yticks([])
        for spine in axes.spines.values():
            spine.set_visible(False)
    handles = [
        left.scatter([], [], marker="s", s=80, color=style.RED, label="supports"),
        left.scatter([], [], marker="s", s=80, color=style.BLUE, label="opposes"),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return figure


def alt(data: dict, params: dict) -> str:
    weights = data["lime"]["weights"]
    digit = int(data["lime"]["label"])
    order = np.argsort(-np.abs(weights))[: params["top_segments"]]
    support = int((weights[order] > 0).sum())
    return (
        f"Two panels for the same handwritten {digit}. Left: the digit cut into {len(weights)} LIME segments, "
        f"with the {len(order)} most influential tinted: {support} in red support class {digit}, "
        f"{len(order) - support} in blue oppose it. Right: the SHAP map of the digit for class {digit}, for comparison."
    )
