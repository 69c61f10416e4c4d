"""SHAP for one test digit: the input on the left, its SHAP map for the model's answer on the right."""

from __future__ import annotations

from matplotlib.figure import Figure

from figures import export, shap_values, style, views

INPUTS = ("shap[digit]", "gallery")
INTERACTIVE = True  # the view is shown unless a tag says interactive=false
PARAMETERS = {
    "digit": {"type": "int", "default": 7, "min": 0, "max": 9, "help": "the true label of the test digit"},
    "index": {"type": "int", "default": 0, "min": 0, "help": "which test digit with that label, 0 = the first"},
    "misclassified": {"type": "bool", "default": False, "help": "choose among the digits the model gets wrong"},
}


def load(inputs: dict, params: dict) -> dict:
    return {**shap_values.load(inputs["shap"]), "gallery": inputs["gallery"].arrays("gallery.npz")}


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


def _digit_file(index: int, image, values) -> dict:
    """One digit's data file: its pixels with the SHAP value of each class, and each class's limit."""
    classes = {f"c{k}": views.numbers(values[:, :, k].reshape(-1)) for k in range(values.shape[2])}
    limits = [views.number(style.symmetric_limit(values[:, :, k])) for k in range(values.shape[2])]
    return {"datasets": {"pixels": views.pixel_columns(image, classes)}, "params": {"limits": limits}}


def view(data: dict, params: dict) -> views.View:
    """The figure's digit and the gallery's: choose one and a class; hover a pixel for its values."""
    import altair as alt

    gallery = data["gallery"]
    digits = [
        (int(gallery["index"][n]), int(gallery["labels"][n]), int(gallery["predicted"][n]),
         gallery["images"][n], gallery["values"][n])
        for n in range(len(gallery["index"]))
    ]  # fmt: skip
    own = (int(data["index"]), int(data["label"]), int(data["predicted"]), data["image"], data["values"])
    digits = [own, *(d for d in digits if d[0] != own[0])]
    files = {f"digit-{i}.json": _digit_file(i, image, values) for i, _, _, image, values in digits}
    options = [(f"digit-{i}.json", f"test digit {i}: a {y}" + (f", read as {p}" if p != y else ""))
               for i, y, p, _, _ in sorted(digits, key=lambda d: (d[1], d[1] != d[2], d[0]))]  # fmt: skip
    shown = own[2]
    klass = alt.param(name="klass", value=shown)
    limits = alt.param(name="limits", value=files[f"digit-{own[0]}.json"]["params"]["limits"])
    base = (
        alt.Chart(alt.Data(name="pixels"))
        .transform_calculate(shap="datum['c' + klass]", explained="klass")
        .encode(
            x=alt.X("col:O", axis=None),
            y=alt.Y("row:O", axis=None),
            tooltip=[
                alt.Tooltip("row:O", title="row"),
                alt.Tooltip("col:O", title="column"),
                alt.Tooltip("explained:N", title="class"),
                alt.Tooltip("shap:Q", title="SHAP value", format=".6~g"),
                alt.Tooltip("pixel:Q", title="pixel intensity"),
            ],
        )
        .properties(width=168, height=168)  # 6 px a pixel
    )
    digit = (
        base.mark_rect()
        .encode(color=alt.Color("pixel:Q", scale=alt.Scale(domain=[0, 255], range=["#000000", "#ffffff"]), legend=None))
        .properties(title="Input")
    )
    scale = alt.Scale(
        domain=alt.ExprRef(expr="[-limits[klass], 0, limits[klass]]"), range="diverging", interpolate="rgb"
    )
    legend = alt.Legend(orient="bottom", title="SHAP value", gradientLength=168, format=".2~g")
    shap_map = base.mark_rect(strokeWidth=0).encode(color=alt.Color("shap:Q", scale=scale, legend=legend))
    # The digit, faint, over the map (the static figure draws it under a translucent one).
    faint = alt.Scale(domain=[0, 255], range=[0, 0.35])
    ink = base.mark_rect(color="#808080", strokeWidth=0).encode(
        opacity=alt.Opacity("pixel:Q", scale=faint, legend=None)
    )
    title = alt.Title(alt.ExprRef(expr="'SHAP values for class ' + klass"))
    chart = alt.hconcat(digit, alt.layer(shap_map, ink).properties(title=title), spacing=12)
    chart = chart.resolve_scale(color="independent")
    spec = chart.add_params(klass, limits).to_dict()
    controls = [
        views.select_data(
            "Test digit",
            options,
            f"digit-{own[0]}.json",
            images={f"digit-{d[0]}.json": d[3] for d in digits},
            marked={f"digit-{i}.json" for i, y, p, _, _ in digits if p != y},
            note="underlined: misread by the model",
        ),  # fmt: skip
        views.select_param("klass", "Class", [(k, str(k)) for k in range(10)], shown),
    ]
    return views.View(spec, files, f"digit-{own[0]}.json", controls)
