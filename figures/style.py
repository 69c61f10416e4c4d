"""Palettes, pinned rcParams, sizes and colour scales shared by the recipes.

Every figure is drawn twice, for Material's light (``default``) and dark (``slate``)
schemes, on a transparent background so it sits on either page colour. The
rcParams that affect pixels are pinned here, so a figure looks the same whatever
matplotlibrc the author has, and saving strips metadata so that two builds write
byte-identical files.

Sizes. The page shows a figure's PNG with ``width``/``height`` set to its pixel size
and ``max-width: 100%``, so it is shown at ``min(PNG width, column)`` CSS pixels. Every
figure is `WIDTH` inches wide: at the site's 150 dpi its PNG is more than twice the
widest desktop column (sharp on a 2x screen) and so always fills the column, and its
smallest text, `FONT` points, is at least `MIN_TEXT_PX` CSS pixels tall on a 390 px
phone (`shown_text_px` is that computation). Text in a raster image scales with the
image, so the text that is 9.3 px in the phone's column is about 19 px in a desktop's.

Colour scales. Every scale the figures use is listed by `scales` (tests/
test_figures_readable.py checks each under simulated colour-vision deficiencies):

* `OVERLAY` for SHAP values and LIME weights: one colour per sign, SHAP's own blue
  and red, whose opacity grows with |value|; zero is transparent, so the page (or
  the faint digit under the map) shows through, and the colour bar, drawn with the
  same map on the transparent figure, shows exactly the colours of the map in
  either palette.
* `ACCURACY` for accuracies: ColorBrewer's RdBu from dark red (0.0) through white
  (0.5, chance for a pair) to dark blue (1.0), on `accuracy_norm`, which stretches
  the ends so that 0.90 and 1.00 differ at a glance.
* ``Palette.sequential`` for counts: Blues on the light page, cividis on the dark.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, FuncNorm, LinearSegmentedColormap, to_rgb, to_rgba
from matplotlib.figure import Figure
from PIL import Image

# ---------------------------------------------------------------------------- sizes

# Where the figures are read, in CSS pixels, measured with Chromium on the built site:
# Material's content column is 358 px at a 390 px viewport (two 0.8rem margins); on a
# desktop it is 688 px at 1280-1599 px, 750 px at 1024 px and 757 px up to 2559 px.
PHONE_COLUMN = 358.0
DESKTOP_COLUMN = 757.0
MIN_TEXT_PX = 9.0  # the smallest text a reader should meet, at the phone's column width
SHARPNESS = 2.0  # PNG pixels per CSS pixel wanted at the desktop column (a 2x screen)
DPI = 150  # the site's default (extra.project.figures.dpi), which WIDTH is chosen for

WIDTH = 10.4  # inches: 1,560 px at 150 dpi, over twice DESKTOP_COLUMN
FONT = 19.5  # points: 9.3 CSS px on the phone (18.8 points would be exactly 9 px)
TITLE = 21.0  # points, panel titles


def shown_text_px(points: float, dpi: float, png_width: float, column: float) -> float:
    """How tall, in CSS pixels, a text of `points` is on the page.

    The PNG is drawn at `dpi` and is `png_width` pixels wide; the page shows it at its
    own width, or narrower to fit a `column` CSS pixels wide: text of ``points / 72 * dpi``
    PNG pixels is scaled by ``min(png_width, column) / png_width``.
    """
    return points / 72 * dpi * min(png_width, column) / png_width


# ---------------------------------------------------------------------------- colours

# SHAP's own blue and red (shap.plots.colors).
BLUE, RED = "#008bfb", "#ff0051"
# Text on a coloured cell: whichever of these two has the larger contrast with the cell.
ON_DARK, ON_LIGHT = "#ffffff", "#000000"  # one of the two has 4.58:1 or more with any colour


@dataclass(frozen=True)
class Palette:
    name: str  # "light" or "dark"
    page: str  # the page colour the transparent figure sits on (Material's default / slate)
    text: str
    muted: str
    grid: str
    accent: str
    sequential: str  # colour map for counts


PALETTES = {
    "light": Palette("light", "#ffffff", "#1f2328", "#59636e", "#d0d7de", "#3f51b5", "Blues"),
    "dark": Palette("dark", "#1e2129", "#e3e5ea", "#a6acb9", "#3d4250", "#8c9eff", "cividis"),
}


def _overlay() -> LinearSegmentedColormap:
    blue, red = to_rgb(BLUE), to_rgb(RED)
    # Opacity, not colour, carries the size: a value at 30% of the limit is 30% blue (or
    # red) over whatever lies beneath, white page, dark page or faint digit alike.
    return LinearSegmentedColormap.from_list(
        "signed_overlay", [(0.0, (*blue, 1.0)), (0.5, (*blue, 0.0)), (0.5, (*red, 0.0)), (1.0, (*red, 1.0))], N=512
    )


OVERLAY = _overlay()
ACCURACY = matplotlib.colormaps["RdBu"]
ACCURACY_STRETCH = 2.0  # the exponent of accuracy_norm; 1 would be linear


def _stretch(x, power: float):
    x = np.asarray(x, dtype=float)
    return 0.5 + 0.5 * np.sign(x - 0.5) * np.abs(2 * x - 1) ** power


def accuracy_norm() -> FuncNorm:
    """0.0 to 1.0, symmetric around 0.5 and stretched towards the ends.

    ``0.5 + 0.5 * sign(x - 0.5) * |2x - 1| ** 2``: 0, 0.5 and 1 stay where they are, 0.9
    moves to 0.82 of the colour map, so the weak pairs of a good classifier (0.90 to
    0.94) are a lighter blue than the perfect ones, not the same dark blue.
    """
    return FuncNorm(
        (lambda x: _stretch(x, ACCURACY_STRETCH), lambda y: _stretch(y, 1 / ACCURACY_STRETCH)), vmin=0.0, vmax=1.0
    )


def scales(palette: Palette) -> dict[str, Colormap]:
    """Every colour scale the figures use in `palette`, by what it shows."""
    return {
        "SHAP value / LIME weight": OVERLAY,
        "accuracy": ACCURACY,
        "count": matplotlib.colormaps[palette.sequential],
    }


def _linear(rgb) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def luminance(colour) -> float:
    """WCAG 2 relative luminance of a colour (any matplotlib colour, or an RGB triple in 0..1)."""
    rgb = to_rgb(colour) if isinstance(colour, str) else np.asarray(colour, dtype=float)[:3]
    return float(_linear(rgb) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def over(colour, page) -> np.ndarray:
    """The RGB a reader sees where an RGBA `colour` lies on `page`."""
    r, g, b, a = to_rgba(colour)
    return a * np.array([r, g, b]) + (1 - a) * np.array(to_rgb(page))


def text_on(colour) -> str:
    """The colour for a text on a cell of `colour` (RGB or RGBA over white): the larger contrast."""
    cell = over(colour, "#ffffff")
    return max((ON_DARK, ON_LIGHT), key=lambda text: contrast_ratio(text, cell))


# ---------------------------------------------------------------------------- the digit

# The faint digit under a SHAP map or LIME's segments, as WCAG contrast with the page.
# Chosen by measurement (tests/test_figures_readable.py repeats both on the PNGs): a value
# seen over the digit and read off the colour bar, which lies on the bare page, is off by
# at most 0.10 of the scale's half-range at 1.3:1, 0.16 at 1.5:1, 0.21 at 1.7:1 and 0.29
# at 2:1 (CAM02-UCS nearest colour, both palettes alike). 1.5:1 is the most contrast that
# keeps that error under a sixth of the scale; the outline drawn on top (6.1:1 with the
# light page, 7.1:1 with the dark) shows the strokes where the map covers them. The old
# 15% grey measured 1.4:1 on the light page, where the old overlay's white tint also
# paled it, and 1.6:1 on the dark one, where that tint greyed the map instead.
DIGIT_CONTRAST = 1.5
OUTLINE_WIDTH = 1.6  # points: about 0.75 CSS px on a phone, 1.6 on a desktop


@lru_cache(maxsize=16)
def digit_alpha(palette: Palette, contrast: float = DIGIT_CONTRAST) -> float:
    """The opacity of the palette's text colour over its page that has `contrast` with the page."""
    low, high = 0.0, 1.0
    for _ in range(40):  # bisection: contrast grows with opacity
        middle = (low + high) / 2
        if contrast_ratio(over((*to_rgb(palette.text), middle), palette.page), palette.page) < contrast:
            low = middle
        else:
            high = middle
    return high


def digit_layer(image: np.ndarray, palette: Palette) -> np.ndarray:
    """The digit as an RGBA image: the palette's text colour, as opaque as the ink allows."""
    rgba = np.zeros((*image.shape, 4))
    rgba[..., :3] = to_rgb(palette.text)
    rgba[..., 3] = digit_alpha(palette) * np.clip(image / 255.0, 0, 1)
    return rgba


def explained_digit(
    axes: Axes,
    image: np.ndarray,
    values: np.ndarray,
    limit: float,
    palette: Palette,
    outline: float | None = None,
):
    """A map of signed `values` over the faint digit, and the digit's outline on top.

    The one panel of the SHAP figures, LIME's figure and the notebook's explorer: the
    faint digit, then `values` on `OVERLAY` from -limit to +limit (masked values show
    nothing), then the outline of the digit's strokes, so that the strongest values,
    which hide the digit beneath them, still show where on the digit they lie.
    `outline` is its width in points (`OUTLINE_WIDTH` by default; 0 for none).
    Returns the overlay's image, for a colour bar.
    """
    axes.imshow(digit_layer(image, palette), interpolation="nearest")
    shown = axes.imshow(values, cmap=OVERLAY, vmin=-limit, vmax=limit, interpolation="nearest")
    if outline != 0:
        outline_digit(axes, image, palette, OUTLINE_WIDTH if outline is None else outline)
    bare(axes)
    return shown


def outline_digit(axes: Axes, image: np.ndarray, palette: Palette, width: float = OUTLINE_WIDTH) -> None:
    """A thin line around the digit's strokes (half the ink's range), in the muted text colour."""
    if image.max() > 127.5 > image.min():
        axes.contour(image, levels=[127.5], colors=[palette.muted], linewidths=width, antialiased=True, zorder=3)


def bare(axes: Axes) -> None:
    """No ticks, no frame: an image panel."""
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_visible(False)


def image_row(figure: Figure, count: int) -> tuple[list[Axes], list[Axes]]:
    """`count` equal image panels side by side, each with a slot for a colour bar under it.

    A panel without a bar turns its slot off (``slot.set_axis_off()``); the panels keep
    one size and one row either way, so that the eye can move between them.
    """
    grid = figure.add_gridspec(2, count, height_ratios=[1, 0.045])
    panels = [figure.add_subplot(grid[0, i]) for i in range(count)]
    slots = [figure.add_subplot(grid[1, i]) for i in range(count)]
    return panels, slots


def symmetric_limit(values: np.ndarray) -> float:
    """A colour scale symmetric around zero: the 99.9th percentile of |values| (as shap does)."""
    limit = float(np.nanpercentile(np.abs(values), 99.9))
    return limit if limit > 0 else 1e-12


def signed_colorbar(figure: Figure, limit: float, label: str, palette: Palette, **where):
    """A horizontal colour bar of `OVERLAY` from -limit to +limit, labelled; `where` is
    ``cax=`` (a slot of `image_row`) or ``ax=`` (the axes to take the room from).

    Drawn with the map's own transparency, so on either page its colours are the map's;
    a thin frame shows where its transparent middle lies. Small values get an exponent
    (0.0004 reads as 4 with a x10^-4), not 0.000.
    """
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.ticker import MaxNLocator, ScalarFormatter

    mappable = ScalarMappable(norm=Normalize(-limit, limit), cmap=OVERLAY)
    bar = figure.colorbar(mappable, orientation="horizontal", **where)
    bar.set_label(label)
    formatter = ScalarFormatter(useMathText=True)
    formatter.set_powerlimits((-2, 2))
    bar.formatter = formatter
    bar.locator = MaxNLocator(nbins=4, symmetric=True, prune=None)
    bar.update_ticks()
    bar.outline.set_edgecolor(palette.grid)
    bar.outline.set_linewidth(1.0)
    return bar


# ---------------------------------------------------------------------------- drawing


def rc(palette: Palette) -> dict:
    return {
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.transparent": True,
        "font.family": "DejaVu Sans",
        # One size for every text (ticks, labels, legends, annotations), titles a little
        # larger: see WIDTH and FONT above. Lines and ticks are scaled to match.
        "font.size": FONT,
        "axes.titlesize": TITLE,
        "axes.labelsize": FONT,
        "xtick.labelsize": FONT,
        "ytick.labelsize": FONT,
        "legend.fontsize": FONT,
        "figure.titlesize": TITLE,
        "axes.linewidth": 1.5,
        "xtick.major.width": 1.5,
        "ytick.major.width": 1.5,
        "xtick.major.size": 6,
        "ytick.major.size": 6,
        "xtick.major.pad": 5,
        "ytick.major.pad": 5,
        "lines.linewidth": 2.5,
        "patch.linewidth": 1.5,
        "grid.linewidth": 1.2,
        "axes.titlepad": 10,
        "text.color": palette.text,
        "axes.labelcolor": palette.text,
        "axes.edgecolor": palette.muted,
        "xtick.color": palette.muted,
        "ytick.color": palette.muted,
        "xtick.labelcolor": palette.text,
        "ytick.labelcolor": palette.text,
        "grid.color": palette.grid,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "image.interpolation": "nearest",
        "savefig.dpi": DPI,
        "path.simplify": True,
        "svg.hashsalt": "figures",  # deterministic ids, should a recipe ever write SVG
    }


@contextmanager
def drawing(palette: Palette) -> Iterator[None]:
    """Pinned rcParams for one figure; the author's own rcParams are restored after."""
    with matplotlib.rc_context(rc(palette)):
        yield


def png_bytes(figure: Figure, dpi: int, *, optimize: bool = True) -> tuple[bytes, tuple[int, int]]:
    """The figure as an optimised PNG with no metadata, and its size in pixels. Without
    `optimize`, the same pixels in a larger file, made in a third less time (for tests that
    measure the pixels)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight", pad_inches=0.08)
    buffer.seek(0)
    image = Image.open(buffer)
    image.load()
    # Full colour, recompressed: a 256-colour palette made a third of the bytes but visible
    # bands in the colour bars and heatmaps, and all twelve images weigh ~0.55 MB anyway.
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=optimize)
    return out.getvalue(), image.size
