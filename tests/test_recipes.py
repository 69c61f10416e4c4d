"""Recipes are found, not registered: their declarations, their parameters, and a new file in the folder."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from conftest import build_env, code_copy, make_site, mkdocs

from figures import recipes
from figures.recipes import Input, Parameter, RecipeError


def test_every_recipe_in_the_folder_is_found_with_its_declaration():
    found = recipes.discover()
    assert sorted(found) == [
        "confusion-matrix",
        "feature-importance",
        "lime-digit",
        "pairwise-accuracy",
        "shap-digit",
        "shap-grid",
    ]
    assert found["lime-digit"].inputs == (Input("lime", "digit"), Input("shap", "digit"))
    assert found["shap-grid"].inputs == (Input("shap", "digits"),)
    assert found["confusion-matrix"].inputs == (Input("predictions"),)
    assert found["lime-digit"].module == "figures.recipes.lime_digit"
    assert found["pairwise-accuracy"].parameters["digits"].default == list(range(10))
    assert all(recipe.summary for recipe in found.values())


@pytest.mark.parametrize(
    ("parameter", "value", "message"),
    [
        (Parameter("digit", "int", 7, 0, 9), 12, "'digit' must be a whole number from 0 to 9, got 12"),
        (Parameter("digit", "int", 7, 0, 9), True, "'digit' must be a whole number from 0 to 9, got true"),
        (Parameter("digit", "int", 7, 0, 9), "3", "'digit' must be a whole number from 0 to 9, got '3'"),
        (Parameter("index", "int", 0, 0), -1, "'index' must be a whole number from 0 up, got -1"),
        (Parameter("normalize", "bool", False), 1, "'normalize' must be true or false, got 1"),
        (
            Parameter("digits", "digits", [1]),
            [1, 1],
            "'digits' must be a list of digits from 0 to 9, each once, such as [3, 4, 8, 9], got [1, 1]",
        ),
        (
            Parameter("digits", "digits", [1]),
            [],
            "'digits' must be a list of digits from 0 to 9, each once, such as [3, 4, 8, 9], got []",
        ),
    ],
)
def test_a_bad_value_says_what_the_parameter_accepts(parameter, value, message):
    with pytest.raises(RecipeError) as error:
        parameter.check(value)
    assert str(error.value) == message


def test_an_unknown_parameter_suggests_the_closest_one():
    recipe = recipes.discover()["lime-digit"]
    with pytest.raises(RecipeError) as error:
        recipe.resolve({"top_segment": 3})
    assert str(error.value) == (
        "unknown parameter 'top_segment' of figure 'lime-digit'; did you mean 'top_segments'? "
        "(known: digit, index, misclassified, top_segments)"
    )
    defaults = {"digit": 7, "index": 0, "misclassified": False, "top_segments": 8}
    assert recipe.resolve({}) == defaults
    assert recipe.resolve({"top_segments": 3, "digit": 2}) == {**defaults, "top_segments": 3, "digit": 2}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("INPUTS = ()\n", 'figures/recipes/broken.py: declares no INPUTS = ("step", ...)'),
        ("INPUTS = tuple(['x'])\n", "figures/recipes/broken.py:1: INPUTS must be a plain literal"),
        (
            'INPUTS = ("dataset",)\nPARAMETERS = {"n": {"type": "float", "default": 1}}\n',
            "figures/recipes/broken.py: parameter 'n' needs a type (int, bool, digits) and a default",
        ),
    ],
)
def test_a_broken_declaration_names_the_recipe_file(source, message):
    with pytest.raises(RecipeError) as error:
        recipes._declaration("broken", source)
    assert str(error.value) == message


NEW_RECIPE = '''
"""How many training digits of each class the model learns from."""

import numpy as np
from matplotlib.figure import Figure

from figures import data, style

INPUTS = ("dataset",)
PARAMETERS = {"horizontal": {"type": "bool", "default": False, "help": "bars across instead of up"}}


def load(inputs, params):
    return {"counts": np.bincount(data.load_arrays(inputs["dataset"])["y_train"], minlength=10)}


def draw(data, params, palette):
    figure = Figure(figsize=(4, 3), layout="constrained")
    axes = figure.subplots()
    (axes.barh if params["horizontal"] else axes.bar)(range(10), data["counts"], color=palette.accent)
    return figure


def alt(data, params):
    return f"A bar chart of the training digits per class, from {data['counts'].min()} to {data['counts'].max()}."
'''


@pytest.mark.slow
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
