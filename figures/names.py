"""The names of the cache steps, defined once.

The graph (`figures.steps`, `figures.graph`), the recipes' declared inputs
(`figures.recipes`), the command line and tags (`figures.targets`), the values posts
state (`figures.values`) and the compute functions, which find their input entries
by these names, all use them from here. A step with parameters is written
``shap[digit=3 index=2]``, ``figure:shap-digit[digit=3]``; `figures.targets` writes and
reads that form.

Only constants: the compute modules import this one, so it is part of their cache
keys (`figures.keys`), and a constant changes only when a name does.
"""

from __future__ import annotations

DATASET = "dataset"
MODEL = "model"
PREDICTIONS = "predictions"
FOREST = "forest"
GALLERY = "gallery"  # SHAP values of a fixed set of test digits, for the interactive SHAP view
STEPS = (DATASET, MODEL, PREDICTIONS, FOREST, GALLERY)  # the steps without parameters

SHAP = "shap"
LIME = "lime"
EXPLANATIONS = (SHAP, LIME)  # steps that explain one test digit, named with its choice

FIGURE = "figure:"  # figure:NAME, figure:NAME[param=value ...]
NOTEBOOK = "notebook:"  # notebook:PATH inside the docs folder
