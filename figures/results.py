"""A figure's cache entry, typed: what a page shows of it, read in one place.

`figures.render` writes a figure's entry (two images, the data behind the figure, the
recipe's source) and records in its meta what each file is; `FigureResult.from_entry`
reads that back, so that code showing a figure (the site's pages, a provenance page)
never digs through an entry's record. Each file comes with the SHA-256 the record
gives it, which the cache verified when it looked the entry up: enough to name the
file by its content.

Imports nothing heavy; a warm build reads every figure it shows through this.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from figures.errors import FigureError

if TYPE_CHECKING:
    from figures.cache import Entry

DATA = "data"  # the folder of an entry that holds the data behind its figure


@dataclass(frozen=True)
class File:
    """One file of an entry: its name inside the entry (``light.png``, ``data/x.csv``), path and digest."""

    name: str
    path: Path
    sha256: str


@dataclass(frozen=True)
class FigureResult:
    """What a figure step made."""

    step: str  # "figure:shap-digit[digit=3]"
    key: str
    name: str  # the figure's name, as tags write it: "shap-digit"
    recipe: str  # the recipe's module: "figures.recipes.shap_digit"
    parameters: Mapping[str, Any]  # every parameter of the recipe, with the value it was drawn with
    images: Mapping[str, File]  # by palette: "light", "dark"
    width: int  # pixels, both images
    height: int
    alt: str
    provenance: str  # one line: where the figure's numbers come from
    made_from: tuple[tuple[str, str], ...]  # the same as (what, description) rows
    data: Mapping[str, File]  # the data behind the figure, by file name ("values.csv")
    source: File  # the recipe's source as it drew the figure
    libraries: Mapping[str, str]  # versions of the libraries the key covers

    @classmethod
    def from_entry(cls, entry: Entry) -> FigureResult:
        """The figure in `entry`, an entry of a figure step; `FigureError` if it is none."""
        record, meta = entry.record, entry.meta
        try:

            def file(name: str) -> File:
                return File(name, entry.file(name), entry.digest(name))

            return cls(
                step=entry.step,
                key=entry.key,
                name=record["params"]["name"],
                recipe=record["params"]["recipe"],
                parameters=dict(meta["parameters"]),
                images={palette: file(name) for palette, name in meta["images"].items()},
                width=meta["width"],
                height=meta["height"],
                alt=meta["alt"],
                provenance=meta["provenance"],
                made_from=tuple((what, text) for what, text in meta["made_from"]),
                data={name: file(f"{DATA}/{name}") for name in meta["data_files"]},
                source=file(meta["source"]),
                libraries=dict(record.get("libraries", {})),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise FigureError(
                f"{entry.step}: entry {entry.key[:12]} holds no figure ({type(error).__name__}: {error})"
            ) from None
