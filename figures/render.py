"""Run a recipe in both palettes and write its PNGs: the compute function of every figure step.

A recipe module (`figures.recipes`) defines ``load(inputs, params) -> data``,
``draw(data, params, palette) -> Figure`` and ``alt(data, params) -> str``. This module
draws the figure for each palette, writes ``light.png`` and ``dark.png``, and returns
the alt text, size and provenance that the page shows. Recipes build
``matplotlib.figure.Figure`` objects directly, which pyplot never tracks: there is no
global figure to close.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from figures import style


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    recipe = importlib.import_module(params["recipe"])
    data = recipe.load(inputs, params)
    sizes = {}
    for name, palette in style.PALETTES.items():
        with style.drawing(palette):
            png, size = style.png_bytes(recipe.draw(data, params, palette), params["dpi"])
        (out / f"{name}.png").write_bytes(png)
        sizes[name] = size
    if sizes["light"] != sizes["dark"]:
        raise RuntimeError(f"{params['recipe']}: light and dark variants differ in size {sizes}")
    width, height = sizes["light"]
    log.info("figure %s: %dx%d px", params["name"], width, height)
    return {
        "alt": recipe.alt(data, params),
        "width": width,
        "height": height,
        "provenance": provenance(inputs),
    }


def provenance(inputs: dict) -> str:
    """Where a figure's numbers come from, in one line for its hover text.

    `inputs` holds every upstream entry of the figure, not only the direct ones.
    """
    parts = []
    if "dataset" in inputs:
        meta = inputs["dataset"].meta
        parts.append(f"data: {meta['source']} MNIST, {meta['train']} training digits")
    if "model" in inputs:
        meta, params = inputs["model"].meta, inputs["model"].record["params"]
        split = "test" if "test_accuracy" in meta else "holdout"
        parts.append(
            f"CNN, {params['epochs']} epochs, seed {params['seed']}: "
            f"{100 * meta[split + '_accuracy']:.1f}% accuracy on {meta[split + '_digits']} "
            f"{'official test' if split == 'test' else 'held-out'} digits"
        )
    if "forest" in inputs:
        meta, params = inputs["forest"].meta, inputs["forest"].record["params"]
        parts.append(f"random forest, seed {params['seed']}: {100 * meta['accuracy']:.1f}% held-out accuracy")
    return "; ".join(parts)
