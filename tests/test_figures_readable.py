"""Figures every reader can read: text size on a phone, colour vision, LIME's colours, the faint digit.

Every recipe is drawn on small synthetic arrays (no model), in both palettes, and
measured: the size of each text at the phone's column width (`style.shown_text_px`),
the colour scales under simulated deuteranopia, protanopia and tritanopia
(colorspacious: Machado et al. 2009 at full severity, distances in CAM02-UCS), the
colour of each LIME segment against its weight, and the contrast of the digit under
the SHAP and LIME maps with the page, read off the PNG the build would write.
"""

from __future__ import annotations

import functools
import importlib
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from figures import recipes, style

FIGURES = sorted(recipes.discover())
PALETTES = sorted(style.PALETTES)
DEFICIENCIES = ("deuteranomaly", "protanomaly", "tritanomaly")  # at severity 100: the dichromacies
MIN_DISTANCE = 20.0  # CAM02-UCS; about 20 just-noticeable differences
DIGIT_VISIBLE = 1.45  # WCAG contrast of the faint digit with the page (designed: style.DIGIT_CONTRAST, 1.5)
OUTLINE_VISIBLE = 3.0  # WCAG's minimum for graphics a reader needs (1.4.11 non-text contrast)
CELL_TEXT = 4.5  # WCAG AA for text, on each heatmap cell


# ---------------------------------------------------------------------------- synthetic data


def a_digit() -> np.ndarray:
    """A thick synthetic 7 (28x28, 0..255): a bar and a diagonal stroke, with grey edges."""
    rows, cols = np.mgrid[0:28, 0:28]
    bar = (rows >= 5) & (rows <= 9) & (cols >= 6) & (cols <= 21)
    # Distance to the diagonal from (9, 21) to (24, 11), as a stroke 5 pixels wide.
    a, b = np.array([9.0, 21.0]), np.array([24.0, 11.0])
    t = np.clip(((rows - a[0]) * (b[0] - a[0]) + (cols - a[1]) * (b[1] - a[1])) / np.sum((b - a) ** 2), 0, 1)
    distance = np.hypot(rows - (a[0] + t * (b[0] - a[0])), cols - (a[1] + t * (b[1] - a[1])))
    ink = np.maximum(bar * 1.0, np.clip(3.0 - distance, 0, 1))
    return (255 * ink).astype(np.uint8)


def shap_arrays(seed: int = 0, label: int = 7, quiet_digit: bool = False) -> dict:
    """SHAP-like arrays; with `quiet_digit`, every value on and around the digit is zero."""
    rng = np.random.default_rng(seed)
    image = a_digit()
    values = rng.normal(0, 0.05, (28, 28, 10)).astype(np.float32)
    values[20:26, 2:8, :] = 0.3  # a strong positive patch off the digit
    values[2:5, 22:27, :] = -0.3  # and a strong negative one
    if quiet_digit:
        values[image > 0] = 0.0
        values[3:27, 5:24] = 0.0
    logits = rng.normal(0, 1, 10).astype(np.float32)
    return {
        "values": values,
        "expected": np.zeros(10, np.float32),
        "image": image,
        "label": np.int64(label),
        "predicted": np.int64(label),
        "index": np.int64(3),
        "logits": logits,
    }


def lime_segments() -> np.ndarray:
    """Sixteen square segments of 7x7 pixels, numbered row by row."""
    rows, cols = np.mgrid[0:28, 0:28]
    return (rows // 7) * 4 + cols // 7


# Weights of the sixteen segments: both signs, several sizes, and some negligible ones
# (under 10% of the largest: lime_digit.NEGLIGIBLE).
LIME_WEIGHTS = np.array(
    [0.0, 0.30, -0.12, 0.004, 0.06, -0.25, 0.15, -0.002, 0.09, 0.0, -0.05, 0.2, 0.01, -0.035, 0.12, -0.29],
    np.float32,
)


def lime_data(weights: np.ndarray = LIME_WEIGHTS) -> dict:
    image = a_digit()
    lime = {
        "segments": lime_segments(),
        "weights": weights,
        "image": image,
        "label": np.int64(7),
        "predicted": np.int64(7),
        "index": np.int64(3),
    }
    return {"lime": lime, "shap": shap_arrays(quiet_digit=True), "fit": {"score": 0.44, "samples": 1000}}


def pairwise_data() -> dict:
    """Logits whose pairwise accuracies run from about 0.5 to 1.0."""
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(10), 30)
    logits = rng.normal(0, 1, (len(labels), 10))
    logits[np.arange(len(labels)), labels] += np.linspace(0.0, 4.0, 10)[labels]
    return {"logits": logits, "labels": labels}


def synthetic(name: str, variant: str = "") -> dict:
    """Data shaped as the recipe's `load` returns it, made up. The SHAP maps leave the
    digit's strokes empty, so that the digit beneath can be measured; the variant
    "lime-off-digit" makes every LIME segment the digit touches negligible."""
    rng = np.random.default_rng(2)
    if name == "shap-digit":
        return shap_arrays(quiet_digit=True)
    if name == "shap-grid":  # two rows: the text and the maps are as large as with four
        rows = [shap_arrays(seed, label, quiet_digit=True) for seed, label in enumerate(GRID_ROWS)]
        return {
            "images": np.stack([row["image"] for row in rows]),
            "labels": np.array(GRID_ROWS),
            "values": np.stack([row["values"] for row in rows]),
            "indices": np.array([1, 2]),
        }
    if name == "lime-digit" and variant == "lime-off-digit":
        touched = np.unique(lime_segments()[a_digit() > 0])
        return lime_data(np.where(np.isin(np.arange(16), touched), 0.001, 0.2).astype(np.float32))
    if name == "lime-digit":
        return lime_data()
    if name == "pairwise-accuracy":
        return pairwise_data()
    if name == "confusion-matrix":
        matrix = rng.integers(0, 4, (10, 10))
        np.fill_diagonal(matrix, rng.integers(40, 51, 10))
        return {"matrix": matrix}
    if name == "feature-importance":
        impurity = rng.dirichlet(np.ones(20))
        return {
            "impurity": impurity,
            "impurity_std": impurity / 3,
            "permutation": rng.normal(0.02, 0.03, 20),
            "permutation_std": np.full(20, 0.01),
        }
    raise AssertionError(f"no synthetic data for the new figure {name!r}: add it here")


GRID_ROWS = [3, 8]


def params_of(name: str) -> dict:
    given = {"digits": GRID_ROWS} if name == "shap-grid" else {}
    return {**recipes.discover()[name].resolve(given), "dpi": style.DPI}


@functools.cache
def drawn(name: str, palette: str, variant: str = "") -> tuple[Figure, np.ndarray]:
    """The recipe's figure on `synthetic` data, drawn and saved as the build does, and
    its PNG as RGBA pixels (kept for the module: several tests measure the same figure)."""
    module = importlib.import_module(recipes.discover()[name].module)
    with style.drawing(style.PALETTES[palette]):
        figure = module.draw(synthetic(name, variant), params_of(name), style.PALETTES[palette])
        png, size = style.png_bytes(figure, style.DPI, optimize=False)  # the same pixels, sooner
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA")).astype(float) / 255
    assert pixels.shape[:2] == size[::-1]
    return figure, pixels


class Pixels:
    """Where a point of an axes lands in the PNG `style.png_bytes` wrote (bbox_inches="tight")."""

    PAD = 0.08  # inches, as png_bytes

    def __init__(self, figure: Figure, dpi: float) -> None:
        box = figure.get_tightbbox().padded(self.PAD)
        self.figure, self.dpi, self.x0, self.y1 = figure, dpi, box.x0, box.y1

    def of(self, axes, x: float, y: float) -> tuple[int, int]:
        """(row, column) in the PNG of the data point (x, y) of `axes`."""
        px, py = axes.transData.transform((x, y)) / self.figure.dpi
        return int((self.y1 - py) * self.dpi), int((px - self.x0) * self.dpi)


def seen(rgba: np.ndarray, page: str) -> np.ndarray:
    """The colours a reader sees where the transparent PNG's pixels (..., 4) lie on `page`."""
    return rgba[..., 3:] * rgba[..., :3] + (1 - rgba[..., 3:]) * np.array(to_rgb(page))


def contrast_with_page(rgba: np.ndarray, page: str) -> np.ndarray:
    """WCAG contrast of each PNG pixel (..., 4), as seen on `page`, with the page."""
    rgb = seen(rgba, page)
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    background = style.luminance(page)
    return (np.maximum(luminance, background) + 0.05) / (np.minimum(luminance, background) + 0.05)


def interior(mask: np.ndarray, margin: int = 1) -> list[tuple[int, int]]:
    """The pixels of `mask` whose neighbours within `margin` are all in `mask`."""
    found = []
    for row, col in np.argwhere(mask):
        window = mask[max(row - margin, 0) : row + margin + 1, max(col - margin, 0) : col + margin + 1]
        if window.size == (2 * margin + 1) ** 2 and window.all():
            found.append((int(row), int(col)))
    return found


# ---------------------------------------------------------------------------- text on a phone


@pytest.mark.parametrize(
    ("points", "dpi", "png_width", "column", "expected"),
    [
        (10, 150, 971, 358, 7.68),  # the example: 10 pt on a 971 px PNG, on a phone
        (10, 150, 300, 358, 20.83),  # narrower than the column: shown at its own size
        (19.5, 150, 1560, 358, 9.32),  # the figures' text now
        (19.5, 150, 1560, 757, 19.71),  # ... and on a desktop
    ],
)
def test_shown_text_px(points, dpi, png_width, column, expected):
    assert style.shown_text_px(points, dpi, png_width, column) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("name", FIGURES)
def test_every_text_is_at_least_9_css_px_on_a_phone_and_the_png_is_sharp_on_a_2x_desktop(name):
    figure, pixels = drawn(name, "light")
    width = pixels.shape[1]
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert len(texts) >= 3  # titles, labels, ticks: a figure with nothing to measure would pass vacuously
    # No text is smaller than style.FONT, which tests/test_browser_figures.py measures on the page.
    assert min(t.get_fontsize() for t in texts) >= style.FONT
    sizes = {t.get_text(): style.shown_text_px(t.get_fontsize(), style.DPI, width, style.PHONE_COLUMN) for t in texts}
    small = {text: round(px, 2) for text, px in sizes.items() if px < style.MIN_TEXT_PX}
    assert small == {}, f"{name}: texts under {style.MIN_TEXT_PX} CSS px at {style.PHONE_COLUMN:.0f} px"
    # Shown at the desktop column's width, the PNG has at least two pixels per CSS pixel.
    assert width >= style.SHARPNESS * style.DESKTOP_COLUMN
    assert plt.get_fignums() == []  # drawn without pyplot


def test_the_smallest_font_reaches_9_px_whatever_the_dpi_above_the_phone_column():
    # Once the PNG is wider than the phone's column, its dpi no longer matters: only the
    # figure's width in inches and the font's size in points do.
    for dpi in (60, 150, 300):
        width = style.WIDTH * dpi
        assert width > style.PHONE_COLUMN
        assert style.shown_text_px(style.FONT, dpi, width, style.PHONE_COLUMN) >= style.MIN_TEXT_PX


# ---------------------------------------------------------------------------- colour vision


def _simulated(rgb: np.ndarray, deficiency: str | None) -> np.ndarray:
    if deficiency is None:
        return np.clip(rgb, 0, 1)
    space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
    return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)


SCALES = [(palette, scale) for palette in PALETTES for scale in style.scales(style.PALETTES[palette])]


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
@pytest.mark.parametrize(("palette", "scale"), SCALES)
def test_each_scale_keeps_its_ends_and_middle_apart_for_each_colour_vision(palette, scale, deficiency):
    page = style.PALETTES[palette].page
    cmap = style.scales(style.PALETTES[palette])[scale]
    # As seen on the page: the SHAP and LIME scale is transparent in its middle.
    low, middle, high = (_simulated(style.over(cmap(x), page), deficiency) for x in (0.0, 0.5, 1.0))
    distances = {"ends": deltaE(low, high), "low-middle": deltaE(low, middle), "middle-high": deltaE(middle, high)}
    assert min(distances.values()) >= MIN_DISTANCE, {k: round(v, 1) for k, v in distances.items()}


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
def test_the_accuracy_scale_separates_090_from_100(deficiency):
    norm = style.accuracy_norm()
    colour = {v: _simulated(np.array(style.ACCURACY(float(norm(v)))[:3]), deficiency) for v in (0.90, 0.94, 1.0)}
    assert deltaE(colour[0.90], colour[1.0]) >= 30
    assert deltaE(colour[0.94], colour[1.0]) >= MIN_DISTANCE
    # The design's ends: dark red at 0.0, dark blue at 1.0, white at chance.
    assert norm(0.0) == 0 and norm(0.5) == 0.5 and norm(1.0) == 1
    red, white, blue = (np.array(style.ACCURACY(float(norm(v)))[:3]) for v in (0.0, 0.5, 1.0))
    assert red[0] > red[2] and blue[2] > blue[0] and white.min() > 0.9
    assert style.luminance(red) < 0.05 and style.luminance(blue) < 0.05


@pytest.mark.parametrize("deficiency", [None, *DEFICIENCIES])
@pytest.mark.parametrize("palette", PALETTES)
def test_the_two_bar_colours_of_feature_importance_differ(palette, deficiency):
    accent, red = (_simulated(np.array(to_rgb(c)), deficiency) for c in (style.PALETTES[palette].accent, style.RED))
    assert deltaE(accent, red) >= MIN_DISTANCE


# ---------------------------------------------------------------------------- heatmap annotations


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("name", ["pairwise-accuracy", "confusion-matrix"])
def test_each_cell_annotation_has_text_contrast_with_its_cell(name, palette):
    figure, _ = drawn(name, palette)
    axes = figure.axes[0]
    image = axes.get_images()[0]
    cells = image.get_array()
    checked = 0
    for text in axes.texts:
        col, row = (round(v) for v in text.get_position())
        cell = image.to_rgba(cells[row, col])
        assert style.contrast_ratio(text.get_color(), cell[:3]) >= CELL_TEXT, (text.get_text(), row, col)
        checked += 1
    assert checked >= 20


def test_text_on_picks_the_larger_contrast_on_every_colour_of_the_scales():
    for palette in style.PALETTES.values():
        for cmap in (style.ACCURACY, style.scales(palette)["count"]):
            for x in np.linspace(0, 1, 65):
                cell = np.array(cmap(float(x))[:3])
                assert style.contrast_ratio(style.text_on(cell), cell) >= CELL_TEXT


# ---------------------------------------------------------------------------- LIME's colours


@pytest.mark.parametrize("palette", PALETTES)
def test_each_lime_segment_is_coloured_by_the_sign_and_size_of_its_weight(palette):
    from figures.recipes import lime_digit

    data = lime_data()
    figure, pixels = drawn("lime-digit", palette)
    panel = figure.axes[0]
    where = Pixels(figure, style.DPI)
    segments, weights, image = data["lime"]["segments"], data["lime"]["weights"], data["lime"]["image"]
    shown = set(lime_digit.shown_segments(weights, params_of("lime-digit")["top_segments"]).tolist())
    limit = np.abs(weights).max()
    alphas = {}
    for segment, weight in enumerate(weights):
        # A blank pixel of the segment away from its edges: only the fill is there.
        inside = [(r, c) for r, c in interior(segments == segment, margin=1) if image[r, c] == 0]
        assert inside, f"segment {segment} has no pixel away from its edges and the digit"
        row, col = inside[len(inside) // 2]
        rgba = pixels[where.of(panel, col, row)]
        if segment not in shown:
            assert rgba[3] < 0.02, f"segment {segment} ({weight}) is filled: {rgba}"
            continue
        expected = style.RED if weight > 0 else style.BLUE
        assert np.allclose(rgba[:3], to_rgb(expected), atol=0.03), (segment, weight, rgba)
        assert rgba[3] == pytest.approx(abs(weight) / limit, abs=0.03), (segment, weight)
        alphas[segment] = rgba[3]
    # The larger the weight, the stronger the colour, whatever the sign.
    by_size = sorted(alphas, key=lambda s: abs(weights[s]))
    assert [alphas[s] for s in by_size] == sorted(alphas[s] for s in by_size)
    assert len(alphas) == 8 and {np.sign(weights[s]) for s in alphas} == {-1, 1}


def test_the_segments_filled_are_the_largest_and_never_negligible():
    from figures.recipes import lime_digit

    assert lime_digit.shown_segments(LIME_WEIGHTS, 8).tolist() == [1, 15, 5, 11, 6, 2, 14, 8]
    assert lime_digit.shown_segments(LIME_WEIGHTS, 40).tolist()[8:] == [4, 10, 13]  # 0.035 >= 10% of 0.3
    assert lime_digit.shown_segments(LIME_WEIGHTS, 1).tolist() == [1]
    assert len(lime_digit.shown_segments(np.zeros(4, np.float32), 8)) == 0


def test_lime_title_states_the_fit_and_the_colour_bars_are_labelled():
    figure, _ = drawn("lime-digit", "light")
    texts = {t.get_text() for t in figure.findobj(Text)}
    assert "LIME weights for class 7\nlocal fit R² 0.44, 1,000 samples" in texts
    assert {"LIME weight", "SHAP value"} <= texts


# ---------------------------------------------------------------------------- the faint digit


def _digit_contrast(where: Pixels, pixels: np.ndarray, panel, image: np.ndarray, page: str) -> tuple[float, float]:
    """The faint digit's contrast with the page (inside the strokes, where the map is
    empty) and the outline's (the strongest pixel around each edge), on the PNG."""
    fills = [contrast_with_page(pixels[where.of(panel, col, row)], page) for row, col in interior(image == 255)]
    outlines = []
    inked, blank = image == 255, image == 0
    edges = (inked[:, :-1] & blank[:, 1:]) | (blank[:, :-1] & inked[:, 1:])
    for row, col in np.argwhere(edges):
        # The outline crosses half-way between an inked pixel and a blank one beside it.
        r, c = where.of(panel, col + 0.5, row)
        window = pixels[r - 2 : r + 3, c - 4 : c + 5]
        outlines.append(contrast_with_page(window, page).max())
    assert fills and outlines
    return min(fills), min(outlines)


def _panels(name: str, figure: Figure):
    """The map panels of a figure: SHAP's right panel, LIME's two, the grid's first row."""
    if name == "shap-digit":
        return [figure.axes[1]]
    if name == "lime-digit":
        return figure.axes[:2]
    if name == "shap-grid":
        return figure.axes[1:11]
    raise AssertionError(name)


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("name", ["shap-digit", "lime-digit", "shap-grid"])
def test_the_digit_under_the_maps_stays_visible(name, palette):
    # Where the digit lies, the maps are empty: SHAP's values are zero there, and every LIME
    # segment the digit touches is negligible.
    figure, pixels = drawn(name, palette, "lime-off-digit" if name == "lime-digit" else "")
    page = style.PALETTES[palette].page
    where = Pixels(figure, style.DPI)
    for panel in _panels(name, figure):
        fill, outline = _digit_contrast(where, pixels, panel, a_digit(), page)
        assert fill >= DIGIT_VISIBLE, f"{name}: the digit has {fill:.2f}:1 with the {palette} page"
        assert outline >= OUTLINE_VISIBLE, f"{name}: the digit's outline has {outline:.2f}:1"


@pytest.mark.parametrize("palette", PALETTES)
def test_the_notebook_explorer_map_shows_the_digit_too(palette):
    """The explorer's maps are `style.explained_digit` on a figure of their own, as its cell draws them."""
    data = shap_arrays(quiet_digit=True)
    with style.drawing(style.PALETTES[palette]):
        figure = Figure(figsize=(1.6, 1.6))
        axes = figure.add_axes((0, 0, 1, 1))
        style.explained_digit(axes, data["image"], data["values"][:, :, 7], 0.3, style.PALETTES[palette], outline=1.0)
        axes.set_axis_off()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=100)
    pixels = np.asarray(Image.open(buffer).convert("RGBA")).astype(float) / 255
    page = style.PALETTES[palette].page
    # The panel fills the 160 px image: pixel (row, col) of the digit is centred at ((col + 0.5) * 160 / 28, ...).
    inside = [
        contrast_with_page(pixels[int((row + 0.5) * 160 / 28), int((col + 0.5) * 160 / 28)], page)
        for row, col in interior(a_digit() == 255)
    ]
    assert min(inside) >= DIGIT_VISIBLE
    assert pixels[..., 3].max() > 0.9  # the map is drawn
    assert pixels[..., 3].min() < 0.2  # on a transparent background: the page shows through


@pytest.mark.parametrize("palette", PALETTES)
def test_the_designed_digit_contrast_keeps_the_map_readable(palette):
    """The measurement behind style.DIGIT_CONTRAST: read a value seen over the digit off the
    colour bar (nearest colour in CAM02-UCS); the error stays under a sixth of the scale."""
    chosen = style.PALETTES[palette]
    ink = style.over((*to_rgb(chosen.text), style.digit_alpha(chosen)), chosen.page)
    assert style.contrast_ratio(ink, chosen.page) == pytest.approx(style.DIGIT_CONTRAST, abs=0.01)
    scale = np.linspace(-1, 1, 401)
    bar = cspace_convert(
        np.array([style.over(style.OVERLAY((v + 1) / 2), chosen.page) for v in scale]), "sRGB1", "CAM02-UCS"
    )
    errors = []
    for value in np.linspace(-1, 1, 41):
        over_ink = cspace_convert(style.over(style.OVERLAY((value + 1) / 2), ink), "sRGB1", "CAM02-UCS")
        errors.append(abs(scale[np.linalg.norm(bar - over_ink, axis=1).argmin()] - value))
    assert max(errors) <= 1 / 6
