"""A new file in the recipes folder is a figure, with no other edit: listed, computed and shown by a real build."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import build_env, code_copy, make_site, mkdocs

pytestmark = pytest.mark.slow

NEW_RECIPE = '''
"""How many training digits of each class the model learns from."""

import numpy as np
from matplotlib.figure import Figure

from figures import dataset, style

INPUTS = ("dataset",)
PARAMETERS = {"horizontal": {"type": "bool", "default": False, "help": "bars across instead of up"}}


def load(inputs, params):
    return {"counts": np.bincount(dataset.load_arrays(inputs["dataset"])["y_train"], minlength=10)}


def draw(data, params, palette):
    figure = Figure(figsize=(4, 3), layout="constrained")
    axes = figure.subplots()
    (axes.barh if params["horizontal"] else axes.bar)(range(10), data["counts"], color=palette.accent)
    return figure


def alt(data, params):
    return f"A bar chart of the training digits per class, from {data['counts'].min()} to {data['counts'].max()}."
'''


def test_a_new_file_in_the_recipes_folder_is_a_figure_with_no_other_edit(tmp_path):
    site = make_site(tmp_path / "site", {"index.md": '# Counts\n\n{% figure "digit-counts" caption="Per class." %}\n'})
    code = code_copy(site)
    (code / "figures" / "recipes" / "digit_counts.py").write_text(textwrap.dedent(NEW_RECIPE))
    listed = subprocess.run(
        [sys.executable, "-m", "figures", "list"], cwd=site, env=build_env(site), capture_output=True, text=True
    )
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert "figure:digit-counts" in listed.stdout
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert "figures: figure:digit-counts: computing (not in the cache)" in done.stdout
    html = (site / "site" / "index.html").read_text()
    assert 'id="figure-digit-counts"' in html and "A bar chart of the training digits per class" in html
    published = sorted(path.name for path in (site / "site" / "assets" / "figures").glob("digit-counts*.png"))
    # Two content-addressed images (light, dark) and the two stable addresses of a default-parameter figure.
    assert len(published) == 4 and {"digit-counts.png", "digit-counts.dark.png"} <= set(published), published
