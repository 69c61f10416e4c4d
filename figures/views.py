"""Interactive views: a recipe's Vega-Lite spec beside its static drawing, and the files it loads.

A recipe may define ``view(data, params) -> View`` next to ``draw``: a Vega-Lite spec
built with Altair from the same loaded data, the JSON files the page loads into it,
and the controls the reader has (each sets a parameter of the spec, or loads another
data file). `figures.render` writes them into the figure's cache entry (``view/``);
the site publishes them under names that carry a hash of their bytes and the page's
script (``explaining_machines/views/figure-views.js``) embeds the spec with vega-embed.

A data file is ``{"datasets": {name: {column: [values]}}, "params": {name: value}}``:
columns, not rows, because 784 pixels written as objects would repeat every key 784
times; the page's script turns them into rows. Numbers are written as the figure's CSV
writes them (six significant digits), so a tooltip shows what the download holds.

Colours come from `figures.style`: each palette's Vega config (`palette_config`) has
the page, text and grid colours, the signed scale (blue, page, red) as the range
``diverging`` and the palette's sequential map as ``heatmap``; the page switches
config with Material's palette.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the site imports this module for SPEC: matplotlib only where colours are made
    from figures import style

SPEC = "view/view.json"
FOLDER = "view"
FONT = "-apple-system, BlinkMacSystemFont, Segoe UI, Helvetica, Arial, sans-serif"  # Material's system stack
HEATMAP_STEPS = 9  # samples of a matplotlib colour map: Vega interpolates between them


@dataclass
class View:
    """A recipe's interactive view: its spec, its data files, which one loads first, its controls."""

    spec: dict[str, Any]
    data: dict[str, dict[str, Any]]  # file name (under view/) -> {"datasets": ..., "params": ...}
    initial: str
    controls: list[dict[str, Any]] = field(default_factory=list)


def number(value: float) -> float:
    """`value` rounded as the figures' CSV files write floats (6 significant digits)."""
    return float(f"{float(value):.6g}")


def numbers(values) -> list[float]:
    return [number(v) for v in values]


def select_param(param: str, label: str, options: list[tuple[Any, str]], value: Any) -> dict[str, Any]:
    """A control that sets the spec's parameter `param` to one of `options` (value, label)."""
    return {"kind": "param", "param": param, "label": label, "value": value,
            "options": [{"value": v, "label": text} for v, text in options]}  # fmt: skip


def select_data(
    label: str, options: list[tuple[str, str]], value: str, images: dict | None = None, marked=(), note: str = ""
) -> dict[str, Any]:
    """A control that loads one of the view's data files (file name, label) into the spec.

    With `images` (file name -> a 28x28 digit), the page offers each as a thumbnail button;
    the files in `marked` are set apart, as `note` says."""
    listed = [{"value": v, "label": text} for v, text in options]
    for option in listed:
        if images and option["value"] in images:
            option["image"] = [int(x) for x in images[option["value"]].reshape(-1)]
        if option["value"] in marked:
            option["marked"] = True
    return {"kind": "data", "label": label, "value": value, "options": listed, "note": note}


def palette_config(palette: style.Palette) -> dict[str, Any]:
    """Vega config for `palette`: the page's colours, and the figures' colour scales as named ranges."""
    import matplotlib
    from matplotlib.colors import to_hex

    from figures import style

    sequential = matplotlib.colormaps[palette.sequential]
    axis = {"labelColor": palette.text, "titleColor": palette.text, "gridColor": palette.grid,
            "domainColor": palette.muted, "tickColor": palette.muted,
            "labelFontSize": 12, "titleFontSize": 12}  # fmt: skip
    return {
        "background": palette.page,
        "font": FONT,
        "axis": axis,
        "legend": {"labelColor": palette.text, "titleColor": palette.text, "labelFontSize": 12, "titleFontSize": 12},
        "title": {"color": palette.text, "subtitleColor": palette.muted, "fontSize": 14},
        "header": {"labelColor": palette.text, "titleColor": palette.text, "labelFontSize": 13},
        "view": {"stroke": None},
        "bar": {"fill": palette.accent},
        "rule": {"stroke": palette.muted},
        "range": {
            "diverging": [style.BLUE, palette.page, style.RED],
            "heatmap": [to_hex(sequential(i / (HEATMAP_STEPS - 1))) for i in range(HEATMAP_STEPS)],
        },
    }


def files(view: View) -> dict[str, bytes]:
    """The files of `view` under the entry's ``view/`` folder: the spec and each data file."""
    from figures import style

    if view.initial not in view.data:
        raise ValueError(f"the view's first data file {view.initial!r} is not among its files {sorted(view.data)}")
    document = {
        "spec": view.spec,
        "palettes": {name: palette_config(p) for name, p in style.PALETTES.items()},
        "initial": view.initial,
        "controls": view.controls,
        "files": sorted(view.data),
    }
    written = {SPEC: _json(document)}
    for name, content in view.data.items():
        written[f"{FOLDER}/{name}"] = _json(content)
    return written


def _json(value: Any) -> bytes:
    # Compact, keys in order: the same view gives the same bytes, and so the same hashed name.
    return json.dumps(value, separators=(",", ":"), sort_keys=True, allow_nan=False).encode("utf-8")


def pixel_columns(image, extra: dict[str, list] | None = None) -> dict[str, list]:
    """The 784 pixels of a 28x28 digit as columns ``row``, ``col``, ``pixel`` (plus `extra`)."""
    rows, cols = image.shape
    columns = {
        "row": [r for r in range(rows) for _ in range(cols)],
        "col": [c for _ in range(rows) for c in range(cols)],
        "pixel": [int(v) for v in image.reshape(-1)],
    }
    columns.update(extra or {})
    return columns
