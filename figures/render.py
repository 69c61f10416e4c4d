"""Run a recipe: draw it in both palettes, keep the data behind it, say how it was made.

The compute function of every figure step. A recipe module (`figures.recipes`) defines
``load(inputs, params) -> data``, ``draw(data, params, palette) -> Figure``,
``alt(data, params) -> str`` and, optionally, ``export_data(data, params) -> {file name: bytes}``
and ``view(data, params) -> figures.views.View`` (an interactive view, `figures.views`).
This module writes ``light.png`` and ``dark.png``, the exported data under ``data/``,
the view's spec and data under ``view/``, and the recipe's own source as ``recipe.py``
(so the page shows the code that drew the figure), and returns the alt text, the size, the provenance and the names of
those files; `figures.results.FigureResult` is how pages read them back. Recipes
build ``matplotlib.figure.Figure`` objects directly, which pyplot never tracks: there
is no global figure to close.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from figures import style, views
from figures.names import DATASET, FOREST, LIME, MODEL, SHAP

SOURCE = "recipe.py"


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    recipe = importlib.import_module(params["recipe"])
    given = {
        base: [inputs[step] for step in bound] if isinstance(bound, list) else inputs[bound]
        for base, bound in params["bindings"].items()
    }
    data = recipe.load(given, params)
    sizes = {}
    images = {name: f"{name}.png" for name in style.PALETTES}
    for name, palette in style.PALETTES.items():
        with style.drawing(palette):
            png, size = style.png_bytes(recipe.draw(data, params, palette), params["dpi"])
        (out / images[name]).write_bytes(png)
        sizes[name] = size
    if sizes["light"] != sizes["dark"]:
        raise RuntimeError(f"{params['recipe']}: light and dark variants differ in size {sizes}")
    (out / "data").mkdir()
    export = getattr(recipe, "export_data", None)  # optional: a new recipe draws before it exports
    exported = export(data, params) if export is not None else {}
    for name, content in exported.items():
        (out / "data" / name).write_bytes(content)
    view = getattr(recipe, "view", None)  # optional: a figure without one is shown as its PNG
    view_files = views.files(view(data, params)) if view is not None else {}
    if view_files:
        (out / views.FOLDER).mkdir()
    for name, content in view_files.items():
        (out / name).write_bytes(content)
    (out / SOURCE).write_text(inspect.getsource(recipe), encoding="utf-8")
    width, height = sizes["light"]
    log.info("figure %s: %dx%d px", params["name"], width, height)
    return {
        "alt": recipe.alt(data, params),
        "width": width,
        "height": height,
        "provenance": "; ".join(text for _, text in provenance(inputs)),
        "made_from": provenance(inputs),
        "parameters": {name: params[name] for name in getattr(recipe, "PARAMETERS", None) or {}},
        "images": images,
        "data_files": sorted(exported),  # under data/
        "view": sorted(view_files),  # the spec (views.SPEC) and its data files, or none
        "source": SOURCE,
    }


def provenance(inputs: dict) -> list[tuple[str, str]]:
    """Where a figure's numbers come from, as (what, description) rows.

    `inputs` holds every upstream entry of the figure, not only the direct ones.
    """
    rows = []
    if DATASET in inputs:
        meta = inputs[DATASET].meta
        rows.append(("data", f"{meta['source']} MNIST, {meta['train']:,} training digits"))
    if MODEL in inputs:
        meta, params = inputs[MODEL].meta, inputs[MODEL].record["params"]
        split = "test" if "test_accuracy" in meta else "holdout"
        rows.append((
            "model",
            f"CNN, {params['epochs']} epochs, seed {params['seed']}: "
            f"{100 * meta[split + '_accuracy']:.1f}% accuracy on {meta[split + '_digits']:,} "
            f"{'official test' if split == 'test' else 'held-out'} digits",
        ))  # fmt: skip
    for name, entry in sorted(inputs.items()):
        meta, kind = entry.meta, name.partition("[")[0]
        if kind == SHAP:
            rows.append(("SHAP", _explained(meta) + f", DeepExplainer, {meta['background']} background digits"))
        elif kind == LIME:
            rows.append(("LIME", _explained(meta) + f", {meta['samples']:,} samples, local fit R² {meta['score']:.2f}"))
    if FOREST in inputs:
        meta = inputs[FOREST].meta
        rows.append(("random forest", f"{meta['trees']} trees, {100 * meta['accuracy']:.1f}% held-out accuracy"))
    return rows


def _explained(meta: dict) -> str:
    said = f"test digit {meta['index']} (a {meta['label']}"
    return said + (f", predicted {meta['predicted']})" if meta["predicted"] != meta["label"] else ")")
