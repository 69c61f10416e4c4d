"""The random forest of the visual guide's code block, and its two feature importances.

Impurity importance (mean decrease in impurity) comes with its spread across the
trees; permutation importance is measured on a held-out quarter of the data.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from figures.cache import save_arrays


def compute(inputs: dict, params: dict, out: Path, log) -> dict:
    """Cache step ``forest``: importances as ``importances.npz``."""
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import train_test_split

    seed = params["seed"]
    x, y = make_classification(n_samples=params["n_samples"], n_features=params["n_features"], random_state=seed)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.25, random_state=seed)
    forest = RandomForestClassifier(n_estimators=params["n_estimators"], random_state=seed, n_jobs=1)
    forest.fit(x_train, y_train)
    per_tree = np.array([tree.feature_importances_ for tree in forest.estimators_])
    permutation = permutation_importance(forest, x_test, y_test, n_repeats=10, random_state=seed, n_jobs=1)
    accuracy = float(forest.score(x_test, y_test))
    save_arrays(
        out / "importances.npz",
        impurity=forest.feature_importances_,
        impurity_std=per_tree.std(axis=0),
        permutation=permutation.importances_mean,
        permutation_std=permutation.importances_std,
    )
    log.info("forest: %d trees, held-out accuracy %.2f%%", params["n_estimators"], 100 * accuracy)
    return {"accuracy": round(accuracy, 4), "n_features": params["n_features"]}


def load(entry) -> dict[str, np.ndarray]:
    return entry.arrays("importances.npz")
