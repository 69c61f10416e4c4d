"""Palettes, pinned rcParams and the diverging SHAP colour maps shared by the recipes.

Every figure is drawn twice, for Material's light (``default``) and dark (``slate``)
schemes, on a transparent background so it sits on either page colour. The
rcParams that affect pixels are pinned here, so a figure looks the same whatever
matplotlibrc the author has, and saving strips metadata so that two builds write
byte-identical files.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from PIL import Image

# SHAP's own blue and red (shap.plots.colors), through white.
BLUE, RED = "#008bfb", "#ff0051"
SHAP_CMAP = LinearSegmentedColormap.from_list("shap_bwr", [BLUE, "#ffffff", RED])
# The overlay fades to transparent at zero so the faint digit shows through, as in shap.image_plot.
SHAP_OVERLAY = LinearSegmentedColormap.from_list(
    "shap_overlay", [(0.0, (0, 0.545, 0.984, 1.0)), (0.5, (1, 1, 1, 0.0)), (1.0, (1, 0, 0.318, 1.0))]
)


@dataclass(frozen=True)
class Palette:
    name: str  # "light" or "dark"
    text: str
    muted: str
    grid: str
    accent: str
    sequential: str  # colour map for counts and accuracies


PALETTES = {
    "light": Palette("light", "#1f2328", "#59636e", "#d0d7de", "#3f51b5", "Blues"),
    "dark": Palette("dark", "#e3e5ea", "#a6acb9", "#3d4250", "#8c9eff", "cividis"),
}


def rc(palette: Palette) -> dict:
    return {
        "figure.facecolor": "none",
        "axes.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.transparent": True,
        "font.family": "DejaVu Sans",
        "font.size": 10,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
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
        "savefig.dpi": 150,
        "path.simplify": True,
        "svg.hashsalt": "figures",  # deterministic ids, should a recipe ever write SVG
    }


@contextmanager
def drawing(palette: Palette) -> Iterator[None]:
    """Pinned rcParams for one figure; the author's own rcParams are restored after."""
    with matplotlib.rc_context(rc(palette)):
        yield


def symmetric_limit(values: np.ndarray) -> float:
    """A colour scale symmetric around zero: the 99.9th percentile of |values| (as shap does)."""
    limit = float(np.nanpercentile(np.abs(values), 99.9))
    return limit if limit > 0 else 1e-12


def shap_colorbar(figure: Figure, limit: float, axes: list, aspect: int) -> None:
    """A horizontal "SHAP value" colour bar, opaque, symmetric, with an exponent for tiny values."""
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.ticker import ScalarFormatter

    mappable = ScalarMappable(norm=Normalize(-limit, limit), cmap=SHAP_CMAP)
    bar = figure.colorbar(mappable, ax=axes, orientation="horizontal", fraction=0.06, aspect=aspect)
    bar.set_label("SHAP value")
    formatter = ScalarFormatter(useMathText=True)
    formatter.set_powerlimits((-2, 2))  # 0.0004 reads as 4 with a x10^-4 exponent, not 0.000
    bar.formatter = formatter
    bar.update_ticks()
    bar.outline.set_visible(False)


def png_bytes(figure: Figure, dpi: int) -> tuple[bytes, tuple[int, int]]:
    """The figure as an optimised PNG with no metadata, and its size in pixels."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight", pad_inches=0.08)
    buffer.seek(0)
    image = Image.open(buffer)
    image.load()
    # Full colour, recompressed: a 256-colour palette made a third of the bytes but visible
    # bands in the colour bars and heatmaps, and all twelve images weigh ~0.55 MB anyway.
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), image.size
