"""Damaged memo files, end to end: a build with every memo file damaged makes the same site
as a build without any memo (issue 18). A memo is shared state that a later build trusts
only once verified; a damaged, truncated or foreign one is set aside, never used."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import blog_site, mkdocs

pytestmark = pytest.mark.slow

POSTS = {
    "a.md": "---\ntitle: 'First'\ndate: 2024-01-02\nauthors: [editors]\n---\n\n# First\n\nAs [@rudin2019stop] and "
    "@molnar2020interpretable say.\n\n<!-- more -->\n\n$$\na = b + c\n$$ {#eq-sum}\n\nSee @eq-sum and @tbl-runs.\n\n"
    "| run | seconds |\n| --- | --- |\n| 1 | 2 |\n\nTable: Runs. {#tbl-runs}\n",
    "b.md": "---\ntitle: 'Second'\ndate: 2024-01-03\nauthors: [editors]\n---\n\n# Second\n\nThe sum is in "
    "[the first post, @eq-sum], with $x^2$ inline.[^n]\n\n[^n]: A note [@rudin2019stop].\n",
}


def site_files(site: Path) -> dict[str, bytes]:
    """The built site, but for what differs between any two builds: the feeds' build time (the
    small blog's posts give the RSS plugin no date it reads, so every item carries it too)."""
    found = {}
    for path in sorted((site / "site").rglob("*")):
        if path.is_file() and path.suffix != ".gz":
            data = path.read_bytes()
            if path.suffix in (".xml", ".json") and b"feed" in path.name.encode():
                data = re.sub(rb"<(lastBuildDate|pubDate)>[^<]*</\1>", b"", data)
                data = re.sub(rb'"date_(modified|published)": "[^"]*"', b"", data)
            found[str(path.relative_to(site / "site"))] = data
    return found


def damage(memo: Path, how: str, other: Path) -> None:
    data = memo.read_bytes()
    if how == "truncated":
        memo.write_bytes(data[: len(data) // 2])
    elif how == "flipped":
        middle = len(data) // 2
        memo.write_bytes(data[:middle] + bytes([data[middle] ^ 0x20]) + data[middle + 1 :])
    elif how == "foreign":
        memo.write_bytes(other.read_bytes())  # another memo's file: valid, but of other code
    else:
        memo.write_bytes(b"not json at all")


def test_damaged_memos_give_the_site_a_build_without_them_gives(tmp_path):
    site = blog_site(tmp_path / "s", POSTS)
    for _ in range(2):  # the second build reads and rewrites the memos the first wrote
        done = mkdocs(site, "--strict")
        assert done.returncode == 0, done.stdout
    expected = site_files(site)
    memos = sorted((site / ".cache-test" / "memo").glob("*.json"))
    assert {m.name for m in memos} >= {"citations.json", "excerpts.json", "frontmatter.json", "links.json"}
    for number, memo in enumerate(memos):
        damage(memo, ("truncated", "flipped", "foreign", "garbage")[number % 4], memos[number - 1])
    damaged = mkdocs(site, "--strict")
    assert damaged.returncode == 0, damaged.stdout
    assert site_files(site) == expected
    shutil.rmtree(site / ".cache-test" / "memo")
    fresh = mkdocs(site, "--strict")
    assert fresh.returncode == 0, fresh.stdout
    assert site_files(site) == expected


def test_an_excerpt_shows_the_snippet_as_it_is_now_on_every_view(tmp_path):
    post = "---\ntitle: 'Snip'\ndate: 2024-01-02\nauthors: [editors]\n---\n\n# Snip\n\n"
    post += '--8<-- "snip.txt"\n\n<!-- more -->\n\nRest.\n'  # the excerpt is the snippet
    site = blog_site(tmp_path / "s", {"a.md": post})
    (site / "snip.txt").write_text("The first words.\n")
    assert mkdocs(site).returncode == 0
    (site / "snip.txt").write_text("The second words.\n")
    done = mkdocs(site)
    assert done.returncode == 0, done.stdout
    views = [path for path in (site / "site" / "blog").rglob("index.html") if "posts" not in path.parts]
    assert views and all("The second words." in path.read_text() for path in views), views
