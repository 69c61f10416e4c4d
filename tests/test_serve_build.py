"""Builds reuse the conversions and search entries of unchanged pages
(hooks/conversions_hook.py), and give the site a build converting everything gives.

Builds run in this process, one after the other, as `mkdocs serve` runs them: the hook's
state lives from one to the next."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import make_site, snapshot

pytestmark = pytest.mark.slow

PAGES = {
    "index.md": "# Home\n\nSee [the section](a.md#a-section) and [b](b.md).\n",
    "a.md": "# A\n\nSome prose.\n\n## A section\n\nMore.\n",
    "b.md": "# B\n\nA link to [nowhere](missing.md).\n",
    "c.md": '# C\n\n```text\n--8<-- "snip.txt"\n```\n',
}


class _Serve:
    """Builds of one site in this process, as `mkdocs serve` makes them."""

    def __init__(self, site: Path) -> None:
        from mkdocs.config import load_config
        from mkdocs.livereload import _serve_url

        self.site, self.out = site, site / "served"
        self._load = lambda: load_config(config_file=str(site / "mkdocs.yml"), site_dir=str(self.out))
        config = self._load()
        config.plugins.on_startup(command="serve", dirty=False)
        self.url = _serve_url("127.0.0.1", 8000, urlsplit(config.site_url or "/").path)
        self.said: list[str] = []

    def build(self) -> dict[str, bytes]:
        from mkdocs.commands.build import build

        config = self._load()
        config.site_url = self.url
        said = self.said = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.levelno >= logging.WARNING:
                    said.append(record.getMessage())

        handler = Keep()
        logging.getLogger("mkdocs").addHandler(handler)
        try:
            build(config, serve_url=self.url)
        finally:
            logging.getLogger("mkdocs").removeHandler(handler)
        return snapshot(self.out)

    @property
    def hook(self):
        return sys.modules["hooks/conversions_hook.py"]


def test_a_rebuild_that_reuses_conversions_gives_the_site_converting_everything_gives(tmp_path, monkeypatch):
    site = make_site(tmp_path / "s", PAGES)
    (site / "snip.txt").write_text("first snippet\n")
    monkeypatch.chdir(site)  # pymdownx.snippets' base path "." is the working folder, as under mkdocs serve
    serve = _Serve(site)
    serve.build()

    (site / "docs" / "a.md").write_text(PAGES["a.md"].replace("Some prose.", "Some edited prose."))
    (site / "snip.txt").write_text("second snippet\n")
    reused = serve.build()
    conversions, indexed = serve.hook._state["conversions"], serve.hook._state["indexed"]
    # a.md and c.md (its snippet changed) converted; index.md, b.md and the References page reused
    assert (conversions.converted, conversions.reused) == (2, 3)
    assert indexed.reused == 3
    said_reusing = serve.said
    assert any("missing.md" in line for line in said_reusing)  # b.md's warning, said again on reuse
    assert b"Some edited prose." in reused["a/index.html"] and b"second snippet" in reused["c/index.html"]

    for kept in site.rglob("memo/*.json"):
        if kept.name in ("conversions.json", "search.json"):
            kept.unlink()
    converted = serve.build()
    assert serve.hook._state["conversions"].reused == 0
    assert reused == converted  # every page, the search index and the sitemap
    assert said_reusing == serve.said


def test_a_page_whose_snippet_cannot_be_followed_is_converted_every_time(tmp_path, monkeypatch):
    pages = {**PAGES, "c.md": "# C\n\n```text\n--8<--\nsnip.txt\n--8<--\n```\n"}  # the block form
    site = make_site(tmp_path / "s", pages)
    (site / "snip.txt").write_text("first snippet\n")
    monkeypatch.chdir(site)
    serve = _Serve(site)
    serve.build()
    (site / "snip.txt").write_text("second snippet\n")
    assert b"second snippet" in serve.build()["c/index.html"]
    conversions = serve.hook._state["conversions"]
    assert (conversions.converted, conversions.reused) == (1, 4)  # c.md; the others and the References page


def test_mkdocs_build_reuses_the_last_builds_conversions_from_the_cache(tmp_path):
    from conftest import mkdocs

    site = make_site(tmp_path / "s", PAGES)
    (site / "snip.txt").write_text("first snippet\n")
    first = mkdocs(site)
    assert first.returncode == 0, first.stdout
    built = snapshot(site / "site")
    again = mkdocs(site)
    assert again.returncode == 0, again.stdout
    assert "0 pages converted, 5 reused from the last build; 5 pages' search entries reused" in again.stdout
    assert snapshot(site / "site") == built
    warned = [line for line in first.stdout.splitlines() if line.startswith("WARNING") and "missing.md" in line]
    assert warned and warned == [line for line in again.stdout.splitlines() if line.startswith("WARNING")]
    (site / "snip.txt").write_text("second snippet\n")
    edited = mkdocs(site)
    assert (
        "1 pages converted, 4 reused" in edited.stdout and b"second snippet" in snapshot(site / "site")["c/index.html"]
    )


def test_a_snippet_included_by_a_snippet_in_the_block_form_is_followed(tmp_path, monkeypatch):
    pages = {**PAGES, "c.md": '# C\n\n--8<-- "outer.md"\n'}
    site = make_site(tmp_path / "s", pages)
    (site / "outer.md").write_text("Outer text.\n\n--8<--\nsnip.txt\n--8<--\n")
    (site / "snip.txt").write_text("first snippet\n")
    monkeypatch.chdir(site)
    serve = _Serve(site)
    assert b"first snippet" in serve.build()["c/index.html"]
    (site / "snip.txt").write_text("second snippet\n")
    assert b"second snippet" in serve.build()["c/index.html"]


def test_a_draft_page_reused_warns_as_a_draft_page_converted(tmp_path, monkeypatch):
    site = make_site(tmp_path / "s", PAGES)
    (site / "snip.txt").write_text("first snippet\n")
    monkeypatch.chdir(site)
    serve = _Serve(site)
    serve.build()
    engine = "Doc file 'b.md' contains a link 'missing.md'"  # MkDocs' own, apart from the project's link check
    assert any(engine in line for line in serve.said)  # b.md's broken link: a warning
    config = site / "mkdocs.yml"
    config.write_text(config.read_text() + "\ndraft_docs: |\n  b.md\n")
    serve.build()
    assert not any(engine in line for line in serve.said), serve.said  # a draft's link: information


def test_a_quiet_build_does_not_keep_conversions_without_their_warnings(tmp_path):
    from conftest import mkdocs

    site = make_site(tmp_path / "s", PAGES)
    (site / "snip.txt").write_text("first snippet\n")
    engine = "Doc file 'b.md' contains a link 'missing.md'"  # MkDocs' own warning, said while converting b.md
    quiet = mkdocs(site, "-q")
    assert quiet.returncode == 0 and "missing.md" not in quiet.stdout, quiet.stdout
    loud = mkdocs(site)
    assert loud.returncode == 0 and engine in loud.stdout, loud.stdout
    again = mkdocs(site)  # reusing what the loud build kept
    assert engine in again.stdout and "0 pages converted" in again.stdout, again.stdout
