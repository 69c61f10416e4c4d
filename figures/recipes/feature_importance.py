"""Feature importance of the random forest: impurity (with spread across trees) beside permutation."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from figures import forest, style

INPUTS = ("forest",)


def load(inputs: dict, params: dict) -> dict:
    return forest.load(inputs["forest"])


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    order = np.argsort(data["impurity"])  # ascending: the largest bar ends on top
    names = [f"x{i}" for i in order]
    figure = Figure(figsize=(6.4, 4.4), layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    left.barh(
        names,
        data["impurity"][order],
        xerr=data["impurity_std"][order],
        color=palette.accent,
        error_kw={"ecolor": palette.muted, "capsize": 2, "elinewidth": 1},
    )
    left.set_title("Mean decrease in impurity")
    left.set_xlabel("importance (± std. across trees)")
    right.barh(
        names,
        data["permutation"][order],
        xerr=data["permutation_std"][order],
        color=style.RED,
        error_kw={"ecolor": palette.muted, "capsize": 2, "elinewidth": 1},
    )
    right.set_title("Permutation importance")
    right.set_xlabel("accuracy drop (± std. over 10 shuffles)")
    for axes in (left, right):
        axes.grid(axis="x", linewidth=0.5)
        axes.set_axisbelow(True)
        axes.tick_params(axis="y", labelsize=8)
    left.set_ylabel("feature")
    return figure


def alt(data: dict, params: dict) -> str:
    top = np.argsort(data["impurity"])[::-1][:3]
    return (
        "Two horizontal bar charts of the 20 features of a random forest, sorted by impurity importance. "
        f"Left: mean decrease in impurity with error bars for the spread across trees; the top three are "
        f"{', '.join(f'x{i}' for i in top)}. Right: permutation importance on held-out data for the same features."
    )
