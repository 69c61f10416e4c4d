"""Provenance pages (`explaining_machines.computed.provenance`) and the making-of block that links to them."""

from __future__ import annotations

import re

import pytest

from explaining_machines import computed
from explaining_machines.computed import provenance

RECORD = {
    "key": "27dbc284b647ca3dc87005143fc34332",
    "computed_at": "2026-12-03T08:18:00Z",
    "seconds": 28.1,
    "reason": "not in the cache",
    "params": {"epochs": 12, "seed": 0, "root": "/machine/path", "learning_rate": 0.003},
    "meta": {"holdout_accuracy": 0.972, "train_digits": 4500, "history": [1, 2]},
    "libraries": {"keras": "3.15.1", "tensorflow": "2.21.0"},
    "files": {"model.keras": {"sha256": "1ce06a4e964cc99b" + "0" * 48, "size": 2740328}},
    "code": {"figures.data": "d1", "figures.model": "d2", "figures.style": "d3"},
}


def step(name, inputs=(), module=None, key=None, modules=("figures.data", "figures.model", "figures.style")):
    record = {**RECORD, "key": key or (name.encode().hex() * 4)[:32]}
    return provenance.StepPage(name, record, tuple(inputs), module or f"figures.{name}", f"# the source of {name}\n",
                               tuple(modules), summary=f"About {name}.")  # fmt: skip


PAGES = {
    "dataset": step("dataset", module="figures.data"),
    "model": step("model", ["dataset"], module="figures.model", key=RECORD["key"]),
    "predictions": step("predictions", ["dataset", "model"], module="figures.model"),
    "shap[digit=3]": step("shap[digit=3]", ["dataset", "model", "predictions"], module="figures.shap_values"),
    "forest": step("forest", module="figures.forest"),
    "figure:shap-digit[digit=3]": step("figure:shap-digit[digit=3]", ["shap[digit=3]"], "figures.recipes.shap_digit"),
}


def url(name: str) -> str:
    return f"../{provenance.slug(name)}/"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("model", "how-it-was-made/model-27dbc284b6.md"),
        ("figure:shap-digit[digit=3]", "how-it-was-made/figure-shap-digit-digit-3-27dbc284b6.md"),
        (
            "shap[digit=3 index=2 misclassified=true]",
            "how-it-was-made/shap-digit-3-index-2-misclassified-true-27dbc284b6.md",
        ),
    ],
)
def test_a_step_version_has_its_own_page(name, path):
    assert provenance.page_path(name, RECORD["key"]) == path


def test_a_step_page_shows_the_record_its_inputs_the_chain_and_the_code():
    text = provenance.step_page(PAGES["model"], PAGES, url)
    assert text.startswith("---\nsearch:\n  exclude: true\n---\n\n# model\n\nAbout model.\n")
    assert "| key | `27dbc284b647ca3dc87005143fc34332` |" in text
    assert "| computed | 2026-12-03T08:18:00Z in 28.1 s |" in text and "| why | not in the cache |" in text
    assert "| parameter `epochs` | 12 |" in text and "| parameter `learning_rate` | 0.003 |" in text
    assert "/machine/path" not in text  # where the files are on one machine is no part of the record shown
    assert "| recorded `holdout_accuracy` | 0.972 |" in text and "history" not in text
    assert f"Made from: [dataset]({provenance.slug('dataset')}-{PAGES['dataset'].record['key'][:10]}.md)." in text
    assert "## The chain from the data { #chain }" in text
    assert "## The code: `figures.model`" in text and "<!-- highlighted-python " in text
    assert "Libraries: keras 3.15.1, tensorflow 2.21.0." in text
    assert "`model.keras` (2.6 MB, SHA-256 `1ce06a4e964cc99b…`)" in text
    # figures.style computes no step: its code is shown once, on the index, and linked from here.
    assert "[`figures.style`](shared-code.md#code-figures-style)" in text


def test_the_chain_holds_the_steps_upstream_only_each_a_link():
    svg = provenance.chain_svg("shap[digit=3]", PAGES, url)
    boxes = re.findall(r'<a href="([^"]+)" class="([^"]+)">', svg)
    assert sorted(href for href, _ in boxes) == sorted(
        url(n) for n in ("dataset", "model", "predictions", "shap[digit=3]")
    )
    assert [css for href, css in boxes if href == url("shap[digit=3]")] == ["chain-step chain-here"]
    assert "forest" not in svg and "figure:" not in svg
    assert svg.count("<line ") == 6  # one into model, two into predictions, three into shap
    assert 'role="img" aria-label="dataset → model → predictions → shap[digit=3]"' in svg


def test_rows_of_the_chain_follow_depth():
    svg = provenance.chain_svg("figure:shap-digit[digit=3]", PAGES, url)
    rows = {name: int(y) for name, y in re.findall(r'<a href="\.\./([^/]+)/"[^>]*><rect x="[^"]+" y="(\d+)"', svg)}
    assert (
        rows["dataset"] < rows["model"] < rows["predictions"] < rows["shap-digit-3"] < rows["figure-shap-digit-digit-3"]
    )


def test_the_index_lists_every_step_and_links_to_the_shared_code():
    text = provenance.index_page(PAGES, url, ["figures.style"])
    for name, page in PAGES.items():
        assert f"[{name}]({provenance.slug(name)}-{page.record['key'][:10]}.md)" in text
    assert "Code that several steps share: [`figures.style`](shared-code.md#code-figures-style)." in text
    assert text.index("[dataset]") < text.index("[model]") < text.index("[figure:shap-digit[digit=3]]")
    assert "search:" not in text  # the index is what search finds


def test_the_shared_code_shows_each_module_once_and_is_left_out_of_search():
    text = provenance.shared_page({"figures.style": "# palettes\n", "figures.render": "# render\n"}, code=str.upper)
    assert text.startswith(provenance.UNSEARCHED)
    assert text.count("## `figures.style` { #code-figures-style }") == 1
    assert "# PALETTES" in text and text.index("figures.render") < text.index("figures.style")


VIEW = computed.FigureView(
    light="a.png", dark="a.dark.png", width=10, height=10, alt="alt", title="t", name="shap-digit",
    params={"digit": 3, "misclassified": False}, provenance="a CNN; test digit 3 (a 3)",
    made_page="../how-it-was-made/figure-shap-digit-digit-3-0123456789.md",
    downloads=[computed.Download("shap-values.csv", "x.csv", "shap-digit-shap-values.csv")],
)  # fmt: skip


def test_the_making_of_block_is_small_and_links_to_the_provenance_page():
    block = "\n".join(computed.how_made(VIEW))
    assert (
        "Drawn by the recipe `shap-digit` with `digit=3`, `misclassified=false`, from a CNN; test digit 3 (a 3)."
        in block
    )
    assert '[shap-values.csv](x.csv){ download="shap-digit-shap-values.csv" }' in block
    assert f"]({VIEW.made_page})" in block and f"]({VIEW.made_page}#chain)" in block
    assert "highlighted-python" not in block and "import " not in block  # no source inline
    assert len(block.encode()) < 6000
