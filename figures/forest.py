"""The random forest of the visual guide's code block, and its two feature importances.

The lines between the ``--8<--`` markers are the code the visual guide shows: the post
includes them from this file (pymdownx.snippets), so the block a reader sees is the
code this step runs, and editing it changes both the post and the figure's key.
Impurity importance (mean decrease in impurity) comes with its spread across the
trees; permutation importance is measured on the held-out quarter of the data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.cache import save_arrays


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``forest``: importances as ``importances.npz``."""
    # --8<-- [start:forest]
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    # 1,000 samples of 20 features, of which only a few carry the signal.
    x, y = make_classification(n_samples=1000, n_features=20, random_state=0)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=0)
    forest = RandomForestClassifier(n_estimators=200, random_state=0).fit(x_train, y_train)

    impurity = forest.feature_importances_  # mean decrease in impurity, from training
    permutation = permutation_importance(forest, x_test, y_test, n_repeats=10, random_state=0)
    # --8<-- [end:forest]
    per_tree = np.array([tree.feature_importances_ for tree in forest.estimators_])
    accuracy = float(forest.score(x_test, y_test))
    save_arrays(
        out / "importances.npz",
        impurity=impurity,
        impurity_std=per_tree.std(axis=0),
        permutation=permutation.importances_mean,
        permutation_std=permutation.importances_std,
    )
    log.info("forest: %d trees, held-out accuracy %.2f%%", forest.n_estimators, 100 * accuracy)
    return {"accuracy": round(accuracy, 4), "n_features": x.shape[1], "trees": forest.n_estimators}


def load(entry) -> dict[str, np.ndarray]:
    return entry.arrays("importances.npz")
