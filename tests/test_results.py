"""A figure's entry read back as `FigureResult`: exactly what `figures.render` wrote, files with their digests."""

from __future__ import annotations

import logging
import textwrap

import pytest
from PIL import Image

from explaining_machines.files import sha256_file
from figures import FigureError, render
from figures.cache import Cache
from figures.results import FigureResult

RECIPE = '''
"""A test recipe: one bar."""
from matplotlib.figure import Figure
from figures import export
PARAMETERS = {"tall": {"type": "bool", "default": False}}
def load(inputs, params):
    return {"height": 2 if params["tall"] else 1}
def draw(data, params, palette):
    figure = Figure(figsize=(2, 2))
    figure.subplots().bar([0], [data["height"]], color=palette.accent)
    return figure
def alt(data, params):
    return f"One bar of height {data['height']}."
def export_data(data, params):
    return {"bar.csv": export.csv_bytes(["height"], [[data["height"]]])}
'''


@pytest.fixture
def entry(tmp_path, monkeypatch):
    module = tmp_path / "mods" / "one_bar.py"
    module.parent.mkdir()
    module.write_text(textwrap.dedent(RECIPE).lstrip())
    monkeypatch.syspath_prepend(str(module.parent))
    params = {"recipe": "one_bar", "name": "one-bar", "dpi": 50, "tall": True, "bindings": {}}
    return Cache(tmp_path / "cache").store(
        "figure:one-bar[tall=true]", "figure-one-bar", "k" * 32,
        lambda out: render.compute({}, params, out, logging.getLogger("test")), {"params": params},
    )  # fmt: skip


def test_a_figure_entry_reads_back_typed(entry):
    result = FigureResult.from_entry(entry)
    assert (result.step, result.key, result.name, result.recipe) == (
        "figure:one-bar[tall=true]",
        "k" * 32,
        "one-bar",
        "one_bar",
    )
    assert result.parameters == {"tall": True}
    assert set(result.images) == {"light", "dark"}
    for palette, image in result.images.items():
        assert image.name == f"{palette}.png" and image.path == entry.file(f"{palette}.png")
        assert image.sha256 == sha256_file(image.path)
    with Image.open(result.images["light"].path) as png:
        assert png.size == (result.width, result.height)
    assert result.alt == "One bar of height 2."
    assert result.provenance == "" and result.made_from == ()
    assert list(result.data) == ["bar.csv"] and result.data["bar.csv"].name == "data/bar.csv"
    assert result.data["bar.csv"].path.read_text() == "height\n2\n"
    assert result.source.path.read_text().startswith('"""A test recipe: one bar."""')


def test_an_entry_of_another_step_is_no_figure(tmp_path):
    def compute(out):
        (out / "logits.npz").write_bytes(b"x")
        return {"digits": 3}

    other = Cache(tmp_path / "cache").store("predictions", "predictions", "p" * 32, compute, {"params": {}})
    with pytest.raises(FigureError, match=r"^predictions: entry pppppppppppp holds no figure \(KeyError: "):
        FigureResult.from_entry(other)
