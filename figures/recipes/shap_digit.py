"""SHAP for one test digit: the input on the left, its SHAP map for the model's answer on the right."""

from __future__ import annotations

from matplotlib.figure import Figure

from figures import export, shap_values, style

INPUTS = ("shap[digit]",)
PARAMETERS = {
    "digit": {"type": "int", "default": 7, "min": 0, "max": 9, "help": "the true label of the test digit"},
    "index": {"type": "int", "default": 0, "min": 0, "help": "which test digit with that label, 0 = the first"},
    "misclassified": {"type": "bool", "default": False, "help": "choose among the digits the model gets wrong"},
}


def load(inputs: dict, params: dict) -> dict:
    return shap_values.load(inputs["shap"])


def _described(data: dict) -> tuple[int, int, str]:
    """The true label, the class the map shows (the model's answer), and the input panel's title."""
    label, predicted = int(data["label"]), int(data["predicted"])
    if predicted == label:
        return label, predicted, f"Input: a handwritten {label}"
    return label, predicted, f"Input: a {label}, predicted {predicted}"


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    image = data["image"]
    _, shown, title = _described(data)
    values = data["values"][:, :, shown]
    limit = style.symmetric_limit(values)
    figure = Figure(figsize=(style.WIDTH, 6.4), layout="constrained")
    (left, right), (no_bar, bar) = style.image_row(figure, 2)
    left.imshow(image, cmap="gray", vmin=0, vmax=255)
    style.bare(left)
    left.set_title(title)
    style.explained_digit(right, image, values, limit, palette)
    right.set_title(f"SHAP values for class {shown}")
    no_bar.set_axis_off()
    style.signed_colorbar(figure, limit, "SHAP value", palette, cax=bar)
    return figure


def alt(data: dict, params: dict) -> str:
    label, shown, _ = _described(data)
    values = data["values"][:, :, shown]
    which = f"a handwritten {label}" if label == shown else f"a handwritten {label} that the model reads as a {shown}"
    return (
        f"Two panels. Left: {which}, test digit number {int(data['index'])}, white on black. "
        f"Right: the same digit, faint and outlined, under a map of its SHAP values for class {shown}; "
        f"red pixels raise the score for {shown} (largest {values.max():.3g}), "
        f"blue pixels lower it (smallest {values.min():.3g}); the stronger the value, the stronger the colour. "
        "A colour bar below the map is labelled SHAP value."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """Every pixel with its SHAP value for each class."""
    rows = export.pixel_csv(data["image"], data["values"])
    return {"shap-values.csv": export.csv_bytes(export.PIXEL_HEADER, rows)}
