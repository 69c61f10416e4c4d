"""Interactive views without a browser: the vendored scripts against their manifest, what
recipes declare, the ``interactive=`` tag argument, the view files, the preview image
in the head and the feeds, and the scripts' compressed weight.

tests/test_browser_views.py drives the views in Chromium on the built site.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from explaining_machines import computed
from explaining_machines.computed import TagError, interactive
from explaining_machines.computed.pages import FigurePages
from explaining_machines.errors import SourceError
from explaining_machines.pages import feeds, head
from explaining_machines.settings import load
from explaining_machines.views import assets
from figures import Project, recipes, views
from figures.recipes import RecipeError

ROOT = Path(__file__).resolve().parent.parent
SCRIPT_BUDGET = 300_000  # gzipped bytes of the scripts: of a post's 400 KB, the rest is for its views' data


def test_every_vendored_file_is_as_the_manifest_records():
    assert assets.problems() == []
    recorded = assets.manifest()
    for name in assets.VENDORED_SCRIPTS:
        record = recorded[name]
        assert record["license"] == "BSD-3-Clause"
        assert recorded[f"LICENSE.{record['package']}"]["version"] == record["version"]
        assert (
            record["tarball"]
            == f"https://registry.npmjs.org/{record['package']}/-/{record['package']}-{record['version']}.tgz"
        )
    assert "LICENSE.vega-interpreter" in recorded  # bundled in vega-embed's file, its licence shipped


def test_a_changed_or_unrecorded_vendored_file_is_named(tmp_path, monkeypatch):
    copy = tmp_path / "vendor"
    shutil.copytree(assets.VENDOR, copy)
    (copy / "vega.min.js").write_bytes(b"alert(1)")
    (copy / "extra.js").write_text("")
    monkeypatch.setattr(assets, "VENDOR", copy)
    monkeypatch.setattr(assets, "MANIFEST", copy / "MANIFEST.json")
    assert assets.problems() == [
        f"{copy / 'vega.min.js'}: its SHA-256 is not the one MANIFEST.json records for vega 6.4.0",
        f"{copy / 'extra.js'}: not recorded in MANIFEST.json",
    ]
    with pytest.raises(assets.VendorError, match="vega.min.js: its SHA-256"):
        assets.site_files()


def test_the_scripts_are_hash_named_in_load_order_and_within_budget():
    paths = assets.scripts()
    assert [p.split("/")[-1].split(".")[0] for p in paths] == ["vega", "vega-lite", "vega-embed", "figure-views"]
    assert all(p.startswith("assets/views/") for p in paths)
    # gzip here, in milliseconds; tests/test_browser_views.py weighs a post's views with brotli too.
    compressed = {name: len(gzip.compress(path.read_bytes(), 6)) for name, path in assets.site_files().items()}
    assert sum(compressed.values()) < SCRIPT_BUDGET, compressed


def test_the_scripts_ask_for_no_eval_and_add_no_style():
    lines = assets.INIT.read_text(encoding="utf-8").splitlines()
    script = "\n".join(line for line in lines if not line.lstrip().startswith("//"))
    for option in ("ast: true", "defaultStyle: false", "disableDefaultStyle: true", "actions: false"):
        assert option in script
    assert "eval(" not in script and "new Function" not in script and "innerHTML" not in script


def test_recipes_say_whether_their_view_is_shown():
    found = recipes.discover()
    assert {name: r.interactive for name, r in found.items()} == {
        "confusion-matrix": True, "feature-importance": True, "lime-digit": True,
        "pairwise-accuracy": True, "shap-digit": True, "shap-grid": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('INPUTS = ("model",)\ndef view(data, params): ...\n',
         "figures/recipes/r.py: defines view() but no INTERACTIVE = True or False (shown by default or not)"),
        ('INPUTS = ("model",)\nINTERACTIVE = True\n',
         "figures/recipes/r.py: declares INTERACTIVE but defines no view(data, params)"),
        ('INPUTS = ("model",)\nINTERACTIVE = "yes"\ndef view(data, params): ...\n',
         "figures/recipes/r.py: defines view() but no INTERACTIVE = True or False (shown by default or not)"),
    ],
)  # fmt: skip
def test_a_wrong_view_declaration_names_the_recipe(source, message):
    with pytest.raises(RecipeError) as error:
        recipes._declaration("r", source)
    assert str(error.value) == message


def test_interactive_is_a_page_argument_true_or_false():
    (off, on, default) = computed.find_figure_tags(
        '{% figure "a" interactive=false %}\n\n{% figure "a" interactive=true %}\n\n{% figure "a" digit=3 %}\n'
    )
    assert (off.interactive, on.interactive, default.interactive) == (False, True, None)
    assert off.params == {} and default.params == {"digit": 3}
    with pytest.raises(TagError) as error:
        computed.find_figure_tags('Text.\n\n{% figure "a" interactive="no" %}\n')
    assert (error.value.line, error.value.message) == (3, 'interactive must be true or false, got "no"')


@pytest.fixture
def pages(tmp_path) -> FigurePages:
    return FigurePages(
        Project(load({"cache_dir": str(tmp_path / "cache")}, ROOT)), ROOT / "mkdocs.yml", logging.getLogger()
    )


def test_asking_a_figure_without_a_view_for_one_names_the_page_and_line(pages):
    with pytest.raises(SourceError) as error:
        pages.collect("docs/a.md", '# A\n\n{% figure "shap-grid" interactive=true %}\n')
    assert str(error.value) == "docs/a.md:3: figure 'shap-grid' has no interactive view; remove interactive=true"
    pages.collect("docs/b.md", '# B\n\n{% figure "shap-grid" interactive=false %}\n')  # false is always fine


def test_the_tag_decides_and_the_recipe_gives_the_default():
    shap = recipes.discover()["shap-digit"]
    grid = recipes.discover()["shap-grid"]
    assert [interactive.shown(shap, said) for said in (None, True, False)] == [True, True, False]
    assert [interactive.shown(grid, said) for said in (None, False)] == [False, False]


def _gallery(count: int = 20) -> dict:
    rng = np.random.default_rng(0)
    return {
        "index": np.arange(count),
        "labels": np.arange(count) % 10,
        "predicted": (np.arange(count) + (np.arange(count) > 15)) % 10,  # the last four misread
        "images": rng.integers(0, 256, (count, 28, 28)),
        "values": rng.normal(0, 0.01, (count, 28, 28, 10)).astype(np.float32),
    }  # fmt: skip


def test_the_shap_view_offers_every_gallery_digit_and_its_numbers_are_the_csv_s():
    from figures.recipes import shap_digit

    gallery = _gallery()
    data = {"index": np.int64(3), "label": np.int64(3), "predicted": np.int64(3), "image": gallery["images"][3],
            "values": gallery["values"][3], "gallery": gallery}  # fmt: skip
    view = shap_digit.view(data, {})
    digit_control, class_control = view.controls
    assert len(digit_control["options"]) == 20 and view.initial == "digit-3.json"
    assert sum("read as" in option["label"] for option in digit_control["options"]) == 4
    assert sum(option.get("marked", False) for option in digit_control["options"]) == 4
    assert all(len(option["image"]) == 784 for option in digit_control["options"])  # the thumbnails
    assert class_control["param"] == "klass" and class_control["value"] == 3
    written = views.files(view)
    document = json.loads(written[views.SPEC])
    assert set(document["palettes"]) == {"light", "dark"}
    assert document["palettes"]["light"]["background"] != document["palettes"]["dark"]["background"]
    pixels = json.loads(written["view/digit-3.json"])["datasets"]["pixels"]
    csv = shap_digit.export_data(data, {})["shap-values.csv"].decode().splitlines()
    header, row = csv[0].split(","), csv[1 + 5 * 28 + 9].split(",")  # the pixel at row 5, column 9
    at = 5 * 28 + 9
    assert (pixels["row"][at], pixels["col"][at], pixels["pixel"][at]) == (5, 9, int(row[header.index("pixel")]))
    assert pixels["c4"][at] == float(row[header.index("class_4")])
    assert views.files(view) == written  # the same view, the same bytes: the same hashed names


def test_the_first_figure_s_light_image_is_the_preview():
    page = (
        '<p>x</p><figure class="computed-figure" id="f"><p><img alt="A &quot;map&quot;" height="9" '
        'src="../../a/f.1.light.png#only-light" width="16"><img src="../../a/f.1.dark.png#only-dark"></p></figure>'
    )
    image = head.first_figure(page, "https://example.org/sub/blog/post/")
    assert image == head.Image("https://example.org/sub/a/f.1.light.png", "16", "9", 'A "map"')
    tags = head.open_graph(title="T", description="D", url="u", site_name="S", is_post=True, image=image)
    assert '<meta name="twitter:card" content="summary_large_image">' in tags
    assert '<meta property="og:image" content="https://example.org/sub/a/f.1.light.png">' in tags
    assert '<meta name="twitter:image:alt" content="A &quot;map&quot;">' in tags
    assert head.first_figure("<p>no figure</p>", "https://example.org/") is None


def test_feed_items_get_their_post_s_image(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.png").write_bytes(b"x" * 123)
    post, image = "https://example.org/sub/blog/p/", "https://example.org/sub/a/f.png"
    (tmp_path / "feed_json_created.json").write_text(
        json.dumps({"items": [{"url": post, "image": None}, {"url": "o"}]})
    )
    (tmp_path / "feed_rss_created.xml").write_text(
        f"<rss><item> <link>{post}</link> </item><item> <link>o</link> </item></rss>"
    )
    feeds.add_images(tmp_path, {post: image}, "https://example.org/sub/")
    items = json.loads((tmp_path / "feed_json_created.json").read_text())["items"]
    assert [item.get("image") for item in items] == [image, None]
    rss = (tmp_path / "feed_rss_created.xml").read_text()
    assert rss == (f'<rss><item> <link>{post}</link> <enclosure url="{image}" length="123" type="image/png" /> </item>'
                   "<item> <link>o</link> </item></rss>")  # fmt: skip


def test_a_figure_with_a_view_gets_its_element_and_one_without_does_not():
    (tag,) = computed.find_figure_tags('{% figure "shap-digit" caption="C" %}\n')
    plain = computed.FigureView("l.png", "d.png", 10, 10, 'A "seven"', "t", "shap-digit", {})
    with_view = dataclasses.replace(plain, view="/assets/figures/v.json", view_files={"digit-1.json": "x.json"})
    assert "figure-view" not in computed.render_figure(tag, plain, "figure-shap-digit")
    rendered = computed.render_figure(tag, with_view, "figure-shap-digit")
    assert (
        '<div class="figure-view" hidden data-src="/assets/figures/v.json" '
        'data-files="{&quot;digit-1.json&quot;:&quot;x.json&quot;}" data-alt="A &quot;seven&quot;"></div>'
    ) in rendered
    assert rendered.index("figure-view") < rendered.index("<figcaption")  # inside the figure, before its caption
    scripts = interactive.scripts_html().splitlines()
    assert len(scripts) == 4 and all(s.startswith('<script src="/assets/views/') and s.endswith(" defer></script>")
                                     for s in scripts)  # fmt: skip
