"""LIME beside SHAP for the same digit: each segment filled by its weight, and the SHAP map."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from skimage.segmentation import find_boundaries

from figures import export, lime_segments, shap_values, style, views

INPUTS = ("lime[digit]", "shap[digit]")
INTERACTIVE = True
PARAMETERS = {
    "digit": {"type": "int", "default": 7, "min": 0, "max": 9, "help": "the true label of the test digit"},
    "index": {"type": "int", "default": 0, "min": 0, "help": "which test digit with that label, 0 = the first"},
    "misclassified": {"type": "bool", "default": False, "help": "choose among the digits the model gets wrong"},
    "top_segments": {
        "type": "int",
        "default": 8,
        "min": 1,
        "max": 40,
        "help": "fill at most this many segments, the largest weights first (negligible ones never)",
    },
}

EDGE_SCALE = 8  # segment outlines are traced on a grid this much finer than the digit's
# A segment whose |weight| is under this share of the largest is left unfilled: at 10% its
# fill would be a tint barely told from the page, and the figure would claim it mattered.
NEGLIGIBLE = 0.10


def load(inputs: dict, params: dict) -> dict:
    meta = inputs["lime"].meta
    return {
        "lime": lime_segments.load(inputs["lime"]),
        "shap": shap_values.load(inputs["shap"]),
        "fit": {"score": float(meta["score"]), "samples": int(meta["samples"])},
    }


def shown_segments(weights: np.ndarray, top: int) -> np.ndarray:
    """The segments to fill, largest |weight| first: at most `top`, none negligible."""
    largest = float(np.abs(weights).max()) if len(weights) else 0.0
    if largest == 0:
        return np.array([], dtype=int)
    keep = np.flatnonzero(np.abs(weights) >= largest * NEGLIGIBLE)
    return keep[np.argsort(-np.abs(weights[keep]), kind="stable")][:top]


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    lime, shap, fit = data["lime"], data["shap"], data["fit"]
    image, segments, weights = lime["image"], lime["segments"], lime["weights"]
    digit = int(lime["predicted"])  # the class LIME explains: the model's answer
    shown = shown_segments(weights, params["top_segments"])
    figure = Figure(figsize=(style.WIDTH, 6.8), layout="constrained")
    (left, right), (left_bar, right_bar) = style.image_row(figure, 2)

    # Each shown segment filled with its weight, on a scale symmetric around zero.
    limit = float(np.abs(weights).max()) or 1e-12
    filled = np.isin(segments, shown)
    fill = np.ma.masked_where(~filled, weights[segments])
    style.explained_digit(left, image, fill, limit, palette, outline=0)
    # Outline the shown segments with thin lines: on the 28x28 grid a boundary would be a
    # whole pixel wide and hide the digit, so trace them on a grid eight times finer.
    fine = np.kron(segments, np.ones((EDGE_SCALE, EDGE_SCALE), dtype=segments.dtype))
    edges = find_boundaries(fine, mode="inner") & np.isin(fine, shown)
    left.imshow(
        np.ma.masked_where(~edges, np.ones(fine.shape)),
        cmap=ListedColormap([palette.text]),
        alpha=0.7,
        extent=(-0.5, 27.5, 27.5, -0.5),
        interpolation="nearest",
    )
    style.outline_digit(left, image, palette)
    left.set_title(f"LIME weights for class {digit}\nlocal fit R² {fit['score']:.2f}, {fit['samples']:,} samples")
    style.signed_colorbar(figure, limit, "LIME weight", palette, cax=left_bar)

    values = shap["values"][:, :, digit]
    shap_limit = style.symmetric_limit(values)
    style.explained_digit(right, shap["image"], values, shap_limit, palette)
    # SHAP's counterpart of LIME's fit: its values add up exactly to the model's logit.
    base, logit = float(shap["expected"][digit]), float(shap["logits"][digit])
    adds_up = f"Σ {values.sum():.2f} + base {base:.2f} = logit {logit:.2f}".replace("-", "−")
    right.set_title(f"SHAP values for class {digit}\n{adds_up}")
    style.signed_colorbar(figure, shap_limit, "SHAP value", palette, cax=right_bar)
    return figure


def alt(data: dict, params: dict) -> str:
    weights, fit = data["lime"]["weights"], data["fit"]
    label, digit = int(data["lime"]["label"]), int(data["lime"]["predicted"])
    shown = shown_segments(weights, params["top_segments"])
    support = int((weights[shown] > 0).sum())
    which = f"handwritten {label}" if label == digit else f"handwritten {label}, which the model reads as a {digit}"
    return (
        f"Two panels of the same size for the same {which}, each over the faint, outlined digit. "
        f"Left: the digit cut into {len(weights)} LIME segments; the {len(shown)} with the largest weights "
        f"are outlined and filled by their weight for class {digit}, {support} in red (support, up to "
        f"{weights.max():.2g}) and {len(shown) - support} in blue (oppose), on a colour bar labelled LIME weight; "
        f"the local fit has R² {fit['score']:.2f} over {fit['samples']:,} samples. "
        f"Right: the SHAP map of the digit for class {digit}, on its own colour bar, for comparison."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """Each LIME segment: its weight for the explained class, its size, and its pixels."""
    segments, weights = data["lime"]["segments"], data["lime"]["weights"]
    rows = []
    for segment, weight in enumerate(weights):
        where = np.argwhere(segments == segment)
        pixels = " ".join(f"{r}:{c}" for r, c in where)
        rows.append([segment, float(weight), len(where), pixels])
    header = ["segment", f"weight_class_{int(data['lime']['predicted'])}", "pixel_count", "pixels_row:col"]
    return {"lime-weights.csv": export.csv_bytes(header, rows)}


def view(data: dict, params: dict) -> views.View:
    """Every segment filled by its LIME weight over the faint digit; hovering one gives its weight.
    The local fit's R² stands in the title."""
    import altair as alt

    lime, fit = data["lime"], data["fit"]
    image, segments, weights = lime["image"], lime["segments"], lime["weights"]
    digit = int(lime["predicted"])
    sizes = np.bincount(segments.reshape(-1), minlength=len(weights))
    flat = segments.reshape(-1)
    columns = views.pixel_columns(image, {
        "segment": [int(s) for s in flat],
        "weight": [views.number(weights[s]) for s in flat],
        "size": [int(sizes[s]) for s in flat],
    })  # fmt: skip
    limit = views.number(float(np.abs(weights).max()) or 1e-12)
    base = alt.Chart(alt.Data(name="pixels")).encode(
        x=alt.X("col:O", axis=None),
        y=alt.Y("row:O", axis=None),
        tooltip=[
            alt.Tooltip("segment:O", title="segment"),
            alt.Tooltip("weight:Q", title=f"LIME weight for class {digit}", format=".6~g"),
            alt.Tooltip("size:Q", title="pixels in the segment"),
        ],
    )
    scale = alt.Scale(domain=[-limit, 0, limit], range="diverging", interpolate="rgb")
    legend = alt.Legend(orient="bottom", title="LIME weight", gradientLength=220, format=".2~g")
    fill = base.mark_rect(strokeWidth=0).encode(color=alt.Color("weight:Q", scale=scale, legend=legend))
    ink = base.mark_rect(color="#808080", strokeWidth=0).encode(
        opacity=alt.Opacity("pixel:Q", scale=alt.Scale(domain=[0, 255], range=[0, 0.45]), legend=None)
    )
    title = alt.Title(
        f"LIME weights for class {digit}",
        subtitle=f"local fit R² {fit['score']:.2f}, {fit['samples']:,} samples",
    )
    spec = (fill + ink).properties(width=224, height=224, title=title).to_dict()  # 8 px a pixel
    return views.View(spec, {"segments.json": {"datasets": {"pixels": columns}}}, "segments.json")
