"""The data behind a figure, as files a reader can download: CSV text, or NPZ for arrays.

A recipe's ``export(data, params)`` returns ``{file name: bytes}``; `figures.render`
stores them in the figure's cache entry and the site publishes them beside the image.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import numpy as np


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file (RFC 4180, ``\\n`` line ends) with `header` and `rows`; floats keep 6 significant digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8")


def _cell(value: object) -> object:
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else f"{float(value):.6g}"
    if isinstance(value, np.integer):
        return int(value)
    return value


def matrix_csv(matrix: np.ndarray, row_name: str, column_name: str, rows: Sequence, columns: Sequence) -> bytes:
    """A matrix as CSV: one row per row label, one column per column label, the corner naming both."""
    header = [f"{row_name}/{column_name}", *columns]
    return csv_bytes(header, ([label, *values] for label, values in zip(rows, matrix, strict=True)))


def pixel_csv(image: np.ndarray, values: np.ndarray, extra: Sequence[tuple[str, object]] = ()) -> list[list[object]]:
    """Rows ``[*extra values, row, col, pixel, class_0 ... class_9]`` for one 28x28 digit and its (28, 28, 10) map."""
    return [
        [*(value for _, value in extra), r, c, int(image[r, c]), *values[r, c]]
        for r in range(image.shape[0])
        for c in range(image.shape[1])
    ]


PIXEL_HEADER = ["row", "col", "pixel", *(f"class_{k}" for k in range(10))]
