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
    return f"{provenance.slug(name)}.html"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("model", "how-it-was-made/model-27dbc284b6.html"),
        ("figure:shap-digit[digit=3]", "how-it-was-made/figure-shap-digit-digit-3-27dbc284b6.html"),
        (
            "shap[digit=3 index=2 misclassified=true]",
            "how-it-was-made/shap-digit-3-index-2-misclassified-true-27dbc284b6.html",
        ),
    ],
)
def test_a_step_version_has_its_own_page(name, path):
    assert provenance.page_path(name, RECORD["key"]) == path


def test_a_step_page_shows_the_record_its_inputs_the_chain_and_the_code():
    article = provenance.step_page(PAGES["model"], PAGES, code=lambda source: f"<pre>{source}</pre>")
    text = article.html
    assert (article.title, article.anchor, article.description) == ("model", "model", "About model.")
    assert text.startswith('<h1 id="model">model<a class="headerlink" href="#model"') and "<p>About model.</p>" in text
    assert "<tr><td>key</td><td><code>27dbc284b647ca3dc87005143fc34332</code></td></tr>" in text
    assert "<tr><td>computed</td><td>2026-12-03T08:18:00Z in 28.1 s</td></tr>" in text
    assert "<tr><td>why</td><td>not in the cache</td></tr>" in text
    assert "<tr><td>parameter <code>epochs</code></td><td>12</td></tr>" in text
    assert "<tr><td>parameter <code>learning_rate</code></td><td>0.003</td></tr>" in text
    assert "/machine/path" not in text  # where the files are on one machine is no part of the record shown
    assert "<tr><td>recorded <code>holdout_accuracy</code></td><td>0.972</td></tr>" in text and "history" not in text
    dataset = provenance.page_path("dataset", PAGES["dataset"].record["key"]).rsplit("/", 1)[1]
    assert f'<p>Made from: <a href="{dataset}">dataset</a>.</p>' in text
    assert '<h2 id="chain">The chain from the data' in text and f'<a href="{dataset}" class="chain-step">' in text
    assert (
        '<h2 id="the-code">The code: <code>figures.model</code>' in text
        and "<pre># the source of model\n</pre>" in text
    )
    assert "<p>Libraries: keras 3.15.1, tensorflow 2.21.0.</p>" in text
    assert "<code>model.keras</code> (2.6 MB, SHA-256 <code>1ce06a4e964cc99b…</code>)" in text
    # figures.style computes no step: its code is shown once, on the shared page, and linked from here.
    assert '<a href="shared-code.html#code-figures-style"><code>figures.style</code></a>' in text
    assert article.toc == (("chain", "The chain from the data"), ("the-code", "The code: figures.model"))


SHELL = """<!doctype html><html><head><title>How it was made - Explaining Machines</title>
<link rel="canonical" href="https://x.org/how-it-was-made/">
<meta property="og:title" content="How it was made"><meta name="description" content="The index.">
<meta property="og:url" content="https://x.org/how-it-was-made/"></head><body>
<a href="#how-it-was-made" class="md-skip">Skip</a>
<nav><ul class="md-nav__list" data-md-component="toc" data-md-scrollfix><li>The graph</li></ul></nav>
<article class="md-content__inner md-typeset"><h1 id="how-it-was-made">How it was made</h1></article>
<a href="../blog/">Blog</a></body></html>"""


def test_a_page_is_cut_from_the_index_pages_shell():
    article = provenance.Article("model <1>", "model", '<h1 id="model">model</h1>', (("chain", "The chain"),), "About.")
    page = provenance.from_shell(
        SHELL, "https://x.org/how-it-was-made/", article, "https://x.org/how-it-was-made/m.html"
    )
    assert "<title>model &lt;1&gt; - Explaining Machines</title>" in page
    assert '<link rel="canonical" href="https://x.org/how-it-was-made/m.html">' in page
    assert '<meta property="og:url" content="https://x.org/how-it-was-made/m.html">' in page
    assert '<meta property="og:title" content="model &lt;1&gt;">' in page and 'content="About."' in page
    assert '<a href="#model" class="md-skip">' in page and "The graph" not in page and 'href="#chain"' in page
    assert '<article class="md-content__inner md-typeset"><h1 id="model">model</h1></article>' in page
    assert '<a href="../blog/">Blog</a>' in page  # the rest of the shell as it was


def test_a_shell_without_the_parts_material_writes_is_refused():
    article = provenance.Article("model", "model", "<h1>model</h1>", ())
    with pytest.raises(ValueError, match="no title or article"):
        provenance.from_shell(SHELL.replace("<article", "<main"), "https://x.org/", article, "https://x.org/m.html")


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
    rows = {name: int(y) for name, y in re.findall(r'<a href="([^"]+)\.html"[^>]*><rect x="[^"]+" y="(\d+)"', svg)}
    assert (
        rows["dataset"] < rows["model"] < rows["predictions"] < rows["shap-digit-3"] < rows["figure-shap-digit-digit-3"]
    )


def test_the_index_lists_every_step_and_links_to_the_shared_code():
    text = provenance.index_page(PAGES, ["figures.style"])
    for name, page in PAGES.items():
        assert f'<a href="{provenance.slug(name)}-{page.record["key"][:10]}.html">{name}</a>' in text
    assert (
        'Code that several steps share: <a href="shared-code.html#code-figures-style"><code>figures.style</code></a>.'
        in text
    )
    assert text.index(">dataset<") < text.index(">model<") < text.index(">figure:shap-digit[digit=3]<")


def test_the_shared_code_shows_each_module_once():
    article = provenance.shared_page({"figures.style": "# palettes\n", "figures.render": "# render\n"}, code=str.upper)
    assert article.html.count('<h2 id="code-figures-style"><code>figures.style</code>') == 1
    assert "# PALETTES" in article.html and article.html.index("figures.render") < article.html.index("figures.style")
    assert article.toc == (("code-figures-render", "figures.render"), ("code-figures-style", "figures.style"))


VIEW = computed.FigureView(
    light="a.png", dark="a.dark.png", width=10, height=10, alt="alt", title="t", name="shap-digit",
    params={"digit": 3, "misclassified": False}, provenance="a CNN; test digit 3 (a 3)",
    made_page="/how-it-was-made/figure-shap-digit-digit-3-0123456789.html",
    downloads=[computed.Download("shap-values.csv", "x.csv", "shap-digit-shap-values.csv")],
)  # fmt: skip


def test_the_making_of_block_is_small_and_links_to_the_provenance_page():
    block = "\n".join(computed.how_made(VIEW))
    assert (
        "Drawn by the recipe `shap-digit` with `digit=3`, `misclassified=false`, from a CNN; test digit 3 (a 3)."
        in block
    )
    assert '[shap-values.csv](x.csv){ download="shap-digit-shap-values.csv" }' in block
    assert f'<a href="{VIEW.made_page}">' in block and f'<a href="{VIEW.made_page}#chain">' in block
    assert "highlighted-python" not in block and "import " not in block  # no source inline
    assert len(block.encode()) < 6000
