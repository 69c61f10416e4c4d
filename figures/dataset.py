"""The ``dataset`` entry as the later steps read it: its arrays and the digits figures are evaluated on.

`figures.data` makes the entry (loading, checking and splitting the digits); this
module is the format both sides agree on. It is apart from `figures.data` so that the
model, the explanations and the recipes import only this: their keys cover this code,
not the loaders', and an edit to a loader that leaves the dataset's bytes as they were
recomputes nothing downstream (`figures.entries`, early cutoff).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a warm build that reads no array imports no NumPy
    import numpy as np

FILE = "digits.npz"  # x_train, y_train, x_holdout, y_holdout and, with a test set, x_test, y_test


def load_arrays(entry) -> dict[str, np.ndarray]:
    """The arrays of a ``dataset`` entry: images uint8 (N, 28, 28), labels int64 (N,)."""
    return entry.arrays(FILE)


def evaluation_split(arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, str]:
    """The digits figures are evaluated on: the official test set if given, else the hold-out."""
    if "x_test" in arrays:
        return arrays["x_test"], arrays["y_test"], "official MNIST test set"
    return arrays["x_holdout"], arrays["y_holdout"], "held-out digits"
