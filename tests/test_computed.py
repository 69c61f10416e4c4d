"""Computed content from Markdown: figure parameters, values, the code shown is the code run,
how each figure was made, stable addresses. One small site (a one-epoch model) is computed
once; each test copies it with its cache and builds what it changes.
"""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, code_copy, make_site, mkdocs

pytestmark = pytest.mark.slow

SMALL = """    model:
      epochs: 1
    figures:
      background: 5
      lime_samples: 50
      lime_segments: 20
      dpi: 50
      publish:
        assets/images/blog/lime-explanation.png: lime-digit digit=3
"""
PAGE = """# Figures

Trained on {% value "dataset.train_digits" %} digits for {% value "model.epochs" %} epoch, the model is right
{% value "model.holdout_accuracy" %} of the time ({% value "model.holdout_accuracy" format=".2%" %}); the forest
{% value "forest.holdout_accuracy" %}; LIME's fit {% value "lime.fit_r2" %}; training took
{% value "model.train_seconds" %}.

{% figure "shap-digit" id="fig-seven" caption="A seven, `np.load`-ed, <!-- not a comment -->." %}

{% figure "shap-digit" digit=3 caption="A three." %}

{% figure "shap-digit" digit=8 misclassified=true caption="An eight the model gets wrong." %}

{% figure "feature-importance" %}

```python
--8<-- "figures/forest.py:forest"
```
"""


@pytest.fixture(scope="module")
def computed(tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("computed") / "site", {"index.md": PAGE}, SMALL)
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    (site / "first.log").write_text(done.stdout)
    return site


def copy(computed: Path, folder: Path) -> Path:
    shutil.copytree(computed, folder)
    return folder


def page(site: Path) -> str:
    text = (site / "site" / "index.html").read_text()
    return text[text.index("<article") : text.index("</article>")]


def test_two_parameter_sets_of_one_figure_on_one_page(computed):
    html = page(computed)
    seven = re.search(r'<figure class="computed-figure" id="fig-seven">(.*?)</figure>', html, re.S)[1]
    three = re.search(r'<figure class="computed-figure" id="figure-shap-digit">(.*?)</figure>', html, re.S)[1]
    assert "a handwritten 7" in seven and "a handwritten 3" in three
    images = re.findall(r'src="(assets/figures/shap-digit\.[0-9a-f]{10}\.light\.png)#only-light"', html)
    assert len(set(images)) == 3  # three parameter sets, three images
    assert all((computed / "site" / image).is_file() for image in images)
    assert '<span class="figure-number">Figure 1:</span> A seven, <code>np.load</code>-ed' in html


def test_misclassified_says_what_the_model_predicted(computed):
    html = page(computed)
    eight = re.search(r'id="figure-shap-digit-2">(.*?)</figure>', html, re.S)[1]  # the second without an id
    predicted = re.search(r"a handwritten 8 that the model reads as a (\d)", eight)
    assert predicted and predicted[1] != "8"


def test_values_of_each_kind_and_a_format(computed):
    text = re.sub(r"<[^>]+>", "", page(computed))
    assert re.search(
        r"Trained on 4,500 digits for 1 epoch, the model is right\s+\d\d\.\d% of the time "
        r"\(\d\d\.\d\d%\); the forest\s+\d\d\.\d%; LIME's fit -?\d\.\d\d; training took\s+\d+ s\.",
        text,
    )


def test_every_figure_says_how_it_was_made_with_its_data(computed):
    html = page(computed)
    blocks = re.findall(r'<details class="figure-made">(.*?)</details>', html, re.S)
    assert len(blocks) == 4
    for block in blocks:
        assert "<summary>How this figure was made</summary>" in block and "highlight" not in block
        assert len(block.encode()) < 6000
        (link,) = re.findall(r'download="[^"]+" href="([^"]+)"', block)
        rows = list(csv.reader(io.StringIO((computed / "site" / link).read_text())))
        assert len(rows) > 10 and all(len(row) == len(rows[0]) for row in rows)
        # Its provenance page: the record and the recipe's source, highlighted, whole, as the file the build ran.
        (made,) = set(re.findall(r'href="(how-it-was-made/[^"#]+)"', block))
        provenance = (computed / "site" / made).read_text()
        assert "<td>key</td>" in provenance and 'id="chain"' in provenance
        recipe = re.search(r"The code: <code>figures\.recipes\.(\w+)</code>", provenance)[1]
        code = re.search(
            r'<div class="language-python highlight"><pre><span></span><code>(.*?)</code>', provenance, re.S
        )
        assert "<span class=" in code[1]
        assert htmllib.unescape(re.sub(r"<[^>]+>", "", code[1])) == (ROOT / f"figures/recipes/{recipe}.py").read_text()
    assert "with <code>digit=3</code>, <code>index=0</code>, <code>misclassified=false</code>" in html


def test_stable_addresses_for_default_figures_and_the_publish_setting(computed):
    assert (computed / "site" / "assets/figures/shap-digit.png").is_file()
    assert (computed / "site" / "assets/figures/shap-digit.dark.png").is_file()
    assert (computed / "site" / "assets/images/blog/lime-explanation.png").is_file()


def test_a_new_parameter_set_never_retrains_the_model(computed, tmp_path):
    site = copy(computed, tmp_path / "site")
    index = site / "docs" / "index.md"
    index.write_text(index.read_text() + '\n{% figure "shap-grid" digits=[0, 1] %}\n')
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    computing = re.findall(r"figures: (.+?): computing", done.stdout)
    assert sorted(computing) == ["figure:shap-grid[digits=[0, 1]]", "shap[digit=0]", "shap[digit=1]"]
    assert re.search(r"^INFO +-  figures: model: cached$", done.stdout, re.MULTILINE), done.stdout


def test_a_digit_that_is_not_there_fails_where_its_tag_is_written(computed, tmp_path):
    """Found only by computing: the child that explains the digit fails, and the build names the tag
    (what a tag's parameters accept is checked without building: tests/test_figurepages.py)."""
    site = copy(computed, tmp_path / "site")
    tag = '{% figure "shap-digit" digit=0 index=999 misclassified=true %}'
    (site / "docs" / "index.md").write_text(f"# Page\n\nText.\n\n{tag}\n")
    done = mkdocs(site)
    assert done.returncode == 1
    message = "shap[digit=0 index=999 misclassified=true]: index=999 is too large: there are"
    assert f"ERROR   -  docs/index.md:5: {message}" in done.stdout, done.stdout
    assert "Traceback" not in done.stdout


def test_the_code_shown_is_the_code_run(computed, tmp_path):
    site = copy(computed, tmp_path / "site")
    forest = code_copy(site) / "figures" / "forest.py"
    forest.write_text(forest.read_text().replace("n_estimators=200", "n_estimators=150"))
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert re.search(r"figures: forest: computing \(code changed \(figures.forest\)\)", done.stdout)
    assert re.search(r"figures: figure:feature-importance: computing \(.*input entries changed \(forest\)", done.stdout)
    html = page(site)
    assert 'n_estimators</span><span class="o">=</span><span class="mi">150' in html or "n_estimators=150" in html
    assert "n_estimators=200" not in re.sub(r"<[^>]+>", "", html)
