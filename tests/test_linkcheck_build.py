"""The link check in small end-to-end builds (the checker itself, on hand-written HTML: tests/test_linkcheck.py)."""

from __future__ import annotations

import re

import pytest
from conftest import SMALL_CONFIG, blog_site, make_site, mkdocs

pytestmark = pytest.mark.slow

WARNING = re.compile(r"^WARNING -  (.*)$", re.M)


# Served from the host's root, a root-absolute path in Markdown means the same whether it
# is read from the host's root or from the site's (and so whether a hook makes it relative).
ROOT_CONFIG = SMALL_CONFIG.replace("site_url: https://example.org/sub/", "site_url: https://example.org/")


BROKEN_PAGE = """# Broken

## Here

A figure that is not there:

<img src="img/missing.png" alt="Nothing">

Back to [the start](/start/), and [further down](#nowhere).

Fine: [here](#here), [home](index.md), [up](/), [the report](https://example.org/report).
"""


BROKEN_MESSAGES = [
    "links: docs/broken.md:7: broken link 'img/missing.png' (no such file: broken/img/missing.png)",
    "links: docs/broken.md:9: broken link '/start/' (no such file: start/index.html)",
    "links: docs/broken.md:9: broken link '#nowhere' (no such id 'nowhere' on this page)",
]


CLEAN_PAGES = {
    "index.md": (
        "# Home\n\nSee [the details](other.md#details), [the other page](other.md) and [a note](#notes).\n\n"
        'As shown [@rudin2019stop], {% cite "rudin2019stop" %}; a footnote[^one].\n\n'
        '<img src="img/dot.svg" alt="A dot"> ![A dot](img/dot.svg) [up](/) [raw](/other/#details)\n\n'
        "## Notes\n\n[^one]: The note, citing [@rudin2019stop].\n"
    ),
    "other.md": "# Other\n\n## Details\n\nBack [home](index.md#notes) or [to the file](img/dot.svg).\n",
    "img/dot.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></svg>',
}


POST = """---
date: 2024-01-02
authors: [editors]
categories: [Explainability]
tags: [shap]
---

# First post

An excerpt that cites [@rudin2019stop] and links to [the second post](second.md#details).

<!-- more -->

## Body

A note[^a].

[^a]: The note.
"""


SECOND = """---
date: 2024-01-03
authors: [editors]
tags: [lime]
---

# Second post

{image}

<!-- more -->

## Details

Back to [the first](first.md#body).
"""


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "not strict"])
def test_broken_img_root_absolute_link_and_fragment_are_named(tmp_path, strict):
    site = make_site(tmp_path, {"index.md": "# Home\n", "broken.md": BROKEN_PAGE}, config=ROOT_CONFIG)
    done = mkdocs(site, *(["--strict"] if strict else []))
    assert done.returncode == (1 if strict else 0), done.stdout
    assert WARNING.findall(done.stdout) == BROKEN_MESSAGES, done.stdout
    assert "Traceback" not in done.stdout


def test_citations_footnotes_and_cross_references_pass_strict(tmp_path):
    site = make_site(tmp_path, CLEAN_PAGES, config=ROOT_CONFIG)
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert "WARNING" not in done.stdout, done.stdout
    html = (site / "site" / "index.html").read_text()
    assert 'class="citation"' in html and 'href="#fn:one"' in html and 'href="other/#details"' in html


def test_a_broken_link_in_the_theme_is_named_once_for_all_pages(tmp_path):
    config = SMALL_CONFIG.replace("theme:", "extra_css:\n  - missing.css\ntheme:", 1)
    site = make_site(tmp_path, {"index.md": "# Home\n", "a.md": "# A\n", "b/c.md": "# C\n"}, config=config)
    done = mkdocs(site, "--strict")
    assert done.returncode == 1
    pages = len(list((site / "site").rglob("*.html")))  # the three, 404.html and any a hook adds
    named = re.fullmatch(
        r"links: 404\.html:(\d+): broken link '/sub/missing\.css' \(no such file: missing\.css\); "
        rf"the same on {pages - 1} other pages",
        "\n".join(WARNING.findall(done.stdout)),
    )
    assert named, done.stdout
    line = (site / "site" / "404.html").read_text().splitlines()[int(named.group(1)) - 1]
    assert 'href="/sub/missing.css"' in line  # the line of the file as the build left it


def test_a_material_blog_with_feeds_tags_and_archive_has_no_broken_link(tmp_path):
    site = blog_site(tmp_path, {"first.md": POST, "second.md": SECOND.format(image="")})
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert "WARNING" not in done.stdout, done.stdout
    for name in ("feed_rss_created.xml", "blog/archive/2024/index.html", "blog/category/explainability/index.html"):
        assert (site / "site" / name).is_file()


def test_a_broken_link_in_an_excerpt_is_named_in_the_post_and_in_each_view(tmp_path):
    """Material copies the excerpt's raw HTML into the blog's index and archive, where the
    relative URL resolves elsewhere: each page that shows it is named."""
    second = SECOND.format(image='<img src="chart.png" alt="A chart">')
    site = blog_site(tmp_path, {"first.md": POST, "second.md": second})
    done = mkdocs(site, "--strict")
    assert done.returncode == 1
    warnings = WARNING.findall(done.stdout)
    assert warnings[0] == (
        "links: docs/blog/posts/second.md:9: broken link 'chart.png' "
        "(no such file: blog/2024/01/03/second-post/chart.png)"
    ), done.stdout
    assert [re.sub(r"\.html:\d+", ".html:N", w) for w in warnings[1:]] == [
        "links: blog/archive/2024/index.html:N: broken link 'chart.png' (no such file: blog/archive/2024/chart.png)",
        "links: docs/blog/index.md (blog/index.html:N): broken link 'chart.png' (no such file: blog/chart.png)",
    ], done.stdout
