"""Feature importance of the random forest: impurity (with spread across trees) beside permutation."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from figures import export, forest, style, views

INPUTS = ("forest",)
INTERACTIVE = True


def load(inputs: dict, params: dict) -> dict:
    return forest.load(inputs["forest"])


def draw(data: dict, params: dict, palette: style.Palette) -> Figure:
    order = np.argsort(data["impurity"])  # ascending: the largest bar ends on top
    names = [f"x{i}" for i in order]
    # Tall enough for twenty tick labels at the figures' one font size.
    figure = Figure(figsize=(style.WIDTH, 0.36 * len(order) + 2.6), layout="constrained")
    left, right = figure.subplots(1, 2, sharey=True)
    error = {"ecolor": palette.muted, "capsize": 3, "elinewidth": 1.5, "capthick": 1.5}
    left.barh(names, data["impurity"][order], xerr=data["impurity_std"][order], color=palette.accent, error_kw=error)
    left.set_title("Impurity decrease")
    left.set_xlabel("mean ± std. across trees")
    right.barh(names, data["permutation"][order], xerr=data["permutation_std"][order], color=style.RED, error_kw=error)
    right.set_title("Permutation importance")
    right.set_xlabel("accuracy drop ± std.")
    for axes in (left, right):
        axes.grid(axis="x")
        axes.set_axisbelow(True)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=3))
    left.set_ylabel("feature")
    return figure


def alt(data: dict, params: dict) -> str:
    top = np.argsort(data["impurity"])[::-1][:3]
    return (
        "Two horizontal bar charts of the 20 features of a random forest, sorted by impurity importance. "
        f"Left: mean decrease in impurity with error bars for the spread across trees; the top three are "
        f"{', '.join(f'x{i}' for i in top)}. Right: permutation importance on held-out data for the same features."
    )


def export_data(data: dict, params: dict) -> dict[str, bytes]:
    """Both importances of each feature, with their spreads."""
    header = ["feature", "impurity", "impurity_std", "permutation", "permutation_std"]
    rows = (
        [f"x{i}", data["impurity"][i], data["impurity_std"][i], data["permutation"][i], data["permutation_std"][i]]
        for i in range(len(data["impurity"]))
    )
    return {"feature-importance.csv": export.csv_bytes(header, rows)}


def view(data: dict, params: dict) -> views.View:
    """Both importances side by side, sorted by either; hovering a bar gives its mean and spread."""
    import altair as alt

    count = len(data["impurity"])
    columns = {"feature": [f"x{i}" for i in range(count)]}
    for name in ("impurity", "impurity_std", "permutation", "permutation_std"):
        columns[name] = views.numbers(data[name])
    sortby = alt.param(name="sortby", value="impurity")
    base = alt.Chart().encode(
        y=alt.Y("feature:N", sort=alt.EncodingSortField(field="key", op="max", order="descending"), title="feature")
    )
    tooltip = [
        alt.Tooltip("feature:N"),
        alt.Tooltip("label:N", title="importance"),
        alt.Tooltip("mean:Q", title="mean", format=".6~g"),
        alt.Tooltip("spread:Q", title="std.", format=".6~g"),
    ]
    bars = base.mark_bar().encode(x=alt.X("mean:Q", title=None), tooltip=tooltip)
    rules = base.mark_rule(strokeWidth=1.5).encode(x="low:Q", x2="high:Q", tooltip=tooltip)
    chart = (
        alt.layer(bars, rules, data=alt.Data(name="features"))
        .transform_fold(["impurity", "permutation"], as_=["method", "mean"])
        .transform_calculate(
            spread="datum.method == 'impurity' ? datum.impurity_std : datum.permutation_std",
            label="datum.method == 'impurity' ? 'impurity decrease' : 'permutation (accuracy drop)'",
            key="sortby == 'impurity' ? datum.impurity : datum.permutation",
        )
        .transform_calculate(low="datum.mean - datum.spread", high="datum.mean + datum.spread")
        .properties(width=125, height=alt.Step(15))
        .facet(column=alt.Column("label:N", title=None, sort=["impurity decrease"]))
        .resolve_scale(x="independent")
        .add_params(sortby)
    )
    options = [("impurity", "impurity decrease"), ("permutation", "permutation importance")]
    controls = [views.select_param("sortby", "Sort by", options, "impurity")]
    return views.View(
        chart.to_dict(), {"importance.json": {"datasets": {"features": columns}}}, "importance.json", controls
    )
