"""Recipes are found, not registered: their declarations and their parameters (tests/test_new_recipe.py
builds a site with a new recipe file)."""

from __future__ import annotations

import pytest

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
