"""End to end: build the real site into tmp folders and read the HTML.

The real build trains the model (over a minute here), so it runs once per
session and the tests share it; bad inputs use a small site without figures.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html import escape as html_escape
from pathlib import Path

import pytest
from conftest import OFFLINE, ROOT, can_go_offline, make_site, mkdocs, snapshot

pytestmark = pytest.mark.slow

POST = "blog/2024/02/04/visual-guide/index.html"
POST2 = "blog/2024/03/10/why-explain/index.html"


def test_the_default_build_runs_with_networking_switched_off(built):
    """The cold build of `built` ran under OFFLINE; prove that nothing can leave it there."""
    if not can_go_offline():
        pytest.skip("unshare --net is not permitted here, so the cold build ran with the network on")
    probe = "import socket; socket.create_connection(('1.1.1.1', 443), timeout=5)"
    blocked = subprocess.run([*OFFLINE, sys.executable, "-c", probe], capture_output=True, text=True)
    assert blocked.returncode != 0 and "Network is unreachable" in blocked.stderr
    _, first, _ = built
    assert "model: computing" in first  # the offline build did the whole computation


def page(site: Path, path: str) -> str:
    return (site / "site" / path).read_text()


def test_cold_build_computes_and_warm_build_recomputes_nothing(built):
    _, first, second = built
    assert "WARNING -" not in first and "WARNING -" not in second
    assert "model: computing" in first and re.search(r"model: epoch (\d+)/\1 ", first)
    assert "computing" not in second and "executing" not in second
    assert second.count("figures: figure:") >= 6 and "cached" in second


def test_post_headings_code_math_footnotes(built):
    site, _, _ = built
    html = page(site, POST)
    for heading in ("Feature Importance", "SHAP Values", "LIME Explanations", "Conclusion", "References"):
        assert re.search(rf"<h2[^>]*>{heading}", html), heading
    assert '<div class="language-python highlight">' in html and "RandomForestClassifier" in html
    assert "$$" not in html and "\\(" not in html and 'class="arithmatex"' not in html
    assert html.count("<math alttext=") >= 5 and 'display="block"' in html
    notes = re.findall(r'<li id="fn:(\w+)">', html)
    assert notes == ["stakes", "shapley", "accountability"]
    for note in notes:
        assert f'href="#fn:{note}"' in html and f'href="#fnref:{note}"' in html


def test_citations_link_to_existing_references(built):
    site, _, _ = built
    html = page(site, POST)
    links = re.findall(r'<a class="citation" href="#([^"]+)" id="([^"]+)" title="([^"]+)"', html)
    assert [target for target, _, _ in links] == [
        "ref-molnar2020interpretable",
        "ref-ribeiro2016lime",
        "ref-rudin2019stop",
    ]
    for target, cite_id, title in links:
        assert f'<li id="{target}">' in html
        assert f'href="#{cite_id}"' in html  # the back-link
        assert len(title) > 40
    for path in (POST, POST2, "index.html", "blog/index.html"):
        text = re.sub(r"<(pre|code)[^>]*>.*?</\1>", "", page(site, path), flags=re.S)
        assert "{% cite" not in text and "[@" not in text and "{% figure" not in text


def test_figures_in_both_palettes_with_size_and_alt(built):
    site, _, _ = built
    for path, names in (
        (POST, ["fig-importance", "fig-shap-seven", "fig-lime-seven"]),
        (POST2, ["fig-grid", "fig-confusion", "fig-pairwise"]),
    ):
        html = page(site, path)
        for name in names:
            block = re.search(rf'<figure class="computed-figure" id="{name}">(.*?)</figure>', html, re.S)
            assert block, name
            images = re.findall(r'<img [^>]*src="([^"]+)"[^>]*>', block.group(1))
            assert len(images) == 2 and images[0].endswith("#only-light") and images[1].endswith("#only-dark")
            for src in images:
                assert (site / "site" / Path(path).parent / src.split("#")[0]).resolve().is_file()
            assert re.search(r'alt="[^"]{60,}"', block.group(1)) and 'width="' in block.group(1)
            assert "Computed by this site" in block.group(1)


def test_no_resource_from_another_host(built):
    site, _, _ = built
    for path in (POST, POST2, "notebooks/shap-explorer/index.html"):
        html = page(site, path)
        assert not re.findall(r'<(?:script|img)[^>]+src="(?:https?:)?//', html)
        assert not re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="(?:https?:)?//', html)
        assert "fonts.googleapis" not in html


def test_blog_index_and_notebook(built):
    site, _, _ = built
    index = page(site, "blog/index.html")
    assert "Machine Learning Explainability: A Visual Guide" in index
    assert "Why explain machine learning models?" in index
    assert "machine-learning" in page(site, "tags/index.html")
    notebook = page(site, "notebooks/shap-explorer/index.html")
    assert "largest gap between SHAP sum and logit" in notebook and notebook.count("shap-map-") >= 40


# ------------------------------------------------------------------ bad input (small site)

GOOD = "# Page\n\nText [@rudin2019stop].\n"


def test_bad_page_fails_with_place(small_site):
    """The references hook stops the build with the page and line (every message of the pages' citations,
    labels, tags, front matter and math is tested in-process: test_scholar, test_mdscan, test_frontmatter,
    test_figurepages, test_mathml)."""
    site = small_site({"p.md": "# P\n\nSee [@rudin2019stpo].\n"})
    before = snapshot(site / "docs")
    result = mkdocs(site)
    assert result.returncode == 1
    message = "ERROR   -  docs/p.md:3: unknown citation key 'rudin2019stpo'; did you mean 'rudin2019stop'?"
    assert message in result.stdout, result.stdout
    assert "Traceback" not in result.stdout
    assert snapshot(site / "docs") == before


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (  # the settings hook (every message of the schema: tests/test_settings.py)
            "    model:\n      epochs: many\n",
            "mkdocs.yml:LINE: extra.project.model.epochs: expected a whole number from 1 to 200, got 'many'",
        ),
        ("    data:\n      source: idx\n      path: nowhere\n", "nowhere: folder not found"),  # the figures hook
    ],
)
def test_bad_setting_fails_at_start_up_naming_key(small_site, extra, message):
    site = small_site({"p.md": GOOD}, extra=extra)
    if "LINE" in message:  # the line the setting has in the site's mkdocs.yml
        config = (site / "mkdocs.yml").read_text().splitlines()
        message = message.replace("LINE", str(1 + next(i for i, text in enumerate(config) if "epochs: many" in text)))
    result = mkdocs(site)
    assert result.returncode != 0 and message in result.stdout, result.stdout
    assert "Traceback" not in result.stdout and "Building documentation" not in result.stdout


def test_author_year_and_per_page_bibliography(small_site):
    other = "@book{local2021,\n author={Doe, Jane},\n title={Local},\n publisher={P},\n year={2021}\n}\n"
    site = small_site(
        {
            "sub/p.md": (
                "---\nbibliography: [local.bib, references.bib]\n---\n\n# P\n\nA [@local2021; @rudin2019stop].\n"
            ),
            "sub/local.bib": other,
            "index.md": "# Home\n",
        },
        extra="    citations:\n      labels: author-year\n      heading: Sources\n",
    )
    result = mkdocs(site, "--strict")
    assert result.returncode == 0, result.stdout
    html = (site / "site" / "sub" / "p" / "index.html").read_text()
    assert ">Doe, 2021</a>" in html and ">Rudin, 2019</a>" in html
    assert re.search(r'<h2 id="references">Sources', html)


def test_feed_is_valid_xml_with_absolute_links_under_the_sub_path(built):
    import xml.etree.ElementTree as ET

    site, _, _ = built
    channel = ET.parse(site / "site" / "feed_rss_created.xml").getroot().find("channel")
    items = {item.findtext("title"): item.findtext("link") for item in channel.findall("item")}
    base = "https://example.github.io/explaining-machines/"
    assert items == {
        "Machine Learning Explainability: A Visual Guide": base + "blog/2024/02/04/visual-guide/",
        "Why explain machine learning models?": base + "blog/2024/03/10/why-explain/",
    }
    feed_link = '<link rel="alternate" type="application/rss+xml" title="RSS feed" href="{}feed_rss_created.xml">'
    assert feed_link.format("../../../../../") in page(site, POST)
    assert feed_link.format("") in page(site, "index.html")


def test_open_graph_and_description_from_front_matter(built):
    import yaml

    site, _, _ = built
    html = page(site, POST)
    source = (site / "docs" / "blog" / "posts" / "visual-guide.md").read_text()
    meta = yaml.safe_load(source.split("---")[1])
    description = html_escape(meta["description"])
    assert f'<meta name="description" content="{description}">' in html
    assert f'<meta property="og:description" content="{description}">' in html
    assert '<meta property="og:title" content="Machine Learning Explainability: A Visual Guide">' in html
    url = "https://example.github.io/explaining-machines/blog/2024/02/04/visual-guide/"
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html


def test_shap_local_accuracy_on_the_real_model(built):
    """The site's own model and SHAP entry: sum of SHAP values + expected value = logit, within 1e-3."""
    import numpy as np

    from figures import model, open_project, shap_values

    site, _, _ = built
    project = open_project(site / "mkdocs.yml")
    entries = [project.status(project.explanation("shap", digit))[0] for digit in (7, 3, 4, 8, 9)]
    model_entry, _ = project.status("model")
    assert all(entries) and model_entry is not None  # the site's figures made them all
    explained = [shap_values.load(entry) for entry in entries]
    images = np.stack([e["image"] for e in explained])
    logits = model.load(model_entry).predict(model.as_input(images), verbose=0)
    sums = np.stack([e["values"].sum(axis=(0, 1)) + e["expected"] for e in explained])
    assert all(e["values"].shape == (28, 28, 10) for e in explained)
    assert np.abs(sums - logits).max() < shap_values.TOLERANCE
    assert model_entry.meta["holdout_accuracy"] > 0.95


def test_a_real_bibliography_of_506_entries(small_site, tmp_path):
    """A researcher's Zotero library (tests/data/bib/README.md), every entry cited on one page:
    the page lists them all, and its problems are all reported in one build, with their lines."""
    bib = (ROOT / "tests" / "data" / "bib" / "zotero-export.bib").read_text()
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.MULTILINE)
    assert len(keys) == 506
    lines = "".join(f"- [@{key}]\n" for key in keys)
    site = small_site({"index.md": f"# Everything\n\n{lines}"}, bib=bib)
    result = mkdocs(site)
    assert result.returncode == 0, result.stdout
    assert "Traceback" not in result.stdout
    html = page(site, "index.html")
    listed = re.search(r'<ol class="references">(.*?)</ol>', html, re.DOTALL)[1]
    assert listed.count("<li id=") == 506
    assert "\\textsubscript" not in listed and "<sub>" in listed  # markup rendered, not leaked
    warnings = [line for line in result.stdout.splitlines() if line.startswith("WARNING")]
    assert warnings and all(re.match(r"WARNING -  citations: references\.bib:\d+: entry '", w) for w in warnings)
    # Each problem once, whatever the number of pages or lists that show its entry.
    assert len(set(warnings)) == len(warnings)

    strict = mkdocs(site, "--strict")
    assert strict.returncode == 1
    assert [line for line in strict.stdout.splitlines() if line.startswith("WARNING")] == warnings
    assert f"Aborted with {len(warnings)} warnings in strict mode!" in strict.stdout

    accepted = "    citations:\n      bib_problems: info\n"  # for authors who take their references as they are
    informational = make_site(tmp_path / "informational", {"index.md": f"# Everything\n\n{lines}"}, accepted, bib=bib)
    quiet = mkdocs(informational, "--strict")
    assert quiet.returncode == 0, quiet.stdout
    logged = [line for line in quiet.stdout.splitlines() if "references.bib:" in line]
    assert [line.replace("INFO    -", "WARNING -") for line in logged] == warnings


# ------------------------------------------------------------------ the math font (small site)


def test_the_math_font_is_cut_once_and_a_character_it_lacks_is_a_warning_with_its_line(small_site):
    page = "# P\n\nInline $x \\setminus y$.\n\n$$\n|S|!\\,(n - |S| - 1)!\n$$\n\nAnd $a \\text{漢} b$.\n"
    site = small_site({"index.md": "# Home\n", "p.md": page})
    cold = mkdocs(site, "--strict")
    assert cold.returncode == 1, cold.stdout
    warning = (
        "WARNING -  math: docs/p.md:9: the math font has no '漢' (U+6F22), which 'a \\text{漢} b' draws: the "
        "reader's browser shows it in another font, or as a box (README, 'The math font')"
    )
    assert warning in cold.stdout and cold.stdout.count("WARNING") == 1, cold.stdout
    assert "STIX Two Math cut to " in cold.stdout
    warm = mkdocs(site)  # the same characters: the subset kept by the first build, no fontTools
    assert warning in warm.stdout and "STIX Two Math cut to " not in warm.stdout, warm.stdout
    css = (site / "site/assets/stylesheets/math-font.css").read_text()
    (font,) = re.findall(r'url\("\.\./fonts/(stix-two-math\.[0-9a-f]{16}\.woff2)"\)', css)
    assert (site / "site/assets/fonts" / font).is_file() and (
        site / "site/assets/fonts/STIX-Two-Math-OFL.txt"
    ).is_file()
    assert 'href="../assets/stylesheets/math-font.css"' in (site / "site/p/index.html").read_text()
    (site / "docs/p.md").write_text(page.replace("$a \\text{漢} b$", "$a + b$"))
    assert "STIX Two Math cut to " in mkdocs(site, "--strict").stdout  # other characters: cut again
