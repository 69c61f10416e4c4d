"""Faults and reproducibility, for real: killed builds, concurrent builds, damaged caches, bad data.

A small site (one page with all six figures, a one-epoch model) is built once from
a cold cache as the reference; each test compares its own build with it.
"""

from __future__ import annotations

import ast
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, blog_site, build_env, code_copy, engine, make_site, mkdocs, snapshot

from figures import recipes

pytestmark = pytest.mark.slow

FIGURES = sorted(recipes.discover())

SMALL_FIGURES = """    model:
      epochs: 1
    figures:
      background: 5
      lime_samples: 50
      lime_segments: 20
      dpi: 50
"""
PAGE = (
    "# Figures\n\nMath $x^2$ and a citation [@rudin2019stop].\n\n"
    + "\n\n".join(f'{{% figure "{name}" caption="The {name} figure." %}}' for name in FIGURES)
    + "\n"
)


def small_figure_site(folder: Path, extra: str = SMALL_FIGURES, pages: dict[str, str] | None = None, **options) -> Path:
    """`make_site` with the one-epoch figure settings and, by default, the page of all figures."""
    return make_site(folder, pages or {"index.md": PAGE}, extra, **options)


def figures_of(site: Path) -> dict[str, bytes]:
    return snapshot(site / "site" / "assets" / "figures")


# What a provenance page says of one computation's time: when it ran and how long it took.
# (model.keras is written reproducibly, so its digest, on the model's page, is the same.)
COMPUTED_AT = re.compile(
    rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ( in \d+\.\d s)?|<td>\d+\.\d s</td>|(train_seconds</code></td>\n?<td>)[\d.]+"
)


def pages_of(site: Path) -> dict[str, bytes]:
    """The site's HTML pages; a provenance page's times of computation blanked (they record the run)."""
    pages = {name: data for name, data in snapshot(site / "site").items() if name.endswith(".html")}
    blank = lambda data: COMPUTED_AT.sub(lambda m: m[2] or b"(time)", data)  # noqa: E731
    return {name: blank(data) if name.startswith("how-it-was-made/") else data for name, data in pages.items()}


def no_traceback(output: str) -> None:
    assert "Traceback" not in output, output


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    site = small_figure_site(tmp_path_factory.mktemp("reference") / "site")
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    hashed = [name for name in figures_of(site) if re.fullmatch(r"[\w-]+\.[0-9a-f]{10}\.(light|dark)\.png", name)]
    assert len(hashed) == 2 * len(FIGURES)
    return site


def test_two_cold_builds_are_byte_identical(reference, tmp_path):
    again = small_figure_site(tmp_path / "again")
    done = mkdocs(again, "--strict")
    assert done.returncode == 0, done.stdout
    assert figures_of(again) == figures_of(reference)
    assert pages_of(again) == pages_of(reference)  # no build timestamps in the pages of this site, but when steps ran


def test_the_hooks_in_reverse_order_give_the_same_pages(reference, tmp_path):
    """Each hook imports what it needs by package name and orders itself with event priorities."""
    site = tmp_path / "reversed"
    shutil.copytree(reference, site)
    config = (site / "mkdocs.yml").read_text()
    hooks = re.search(r"\nhooks:\n((?:  - .*\n)+)", config)
    listed = hooks.group(1).splitlines(keepends=True)
    assert len(listed) >= 6
    (site / "mkdocs.yml").write_text(config.replace(hooks.group(1), "".join(reversed(listed))))
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert pages_of(site) == pages_of(reference) and figures_of(site) == figures_of(reference)


def test_editing_text_recomputes_nothing_and_editing_a_recipe_only_its_figure(reference, tmp_path):
    """What `mkdocs serve` does on each change, as two rebuilds of a built site."""
    site = tmp_path / "edited"
    shutil.copytree(reference, site)
    page = site / "docs" / "index.md"
    page.write_text(page.read_text().replace("Math", "Some math"))
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert "computing" not in done.stdout and "Some math" in (site / "site" / "index.html").read_text()

    recipe = code_copy(site) / "figures" / "recipes" / "confusion_matrix.py"  # an edited checkout
    recipe.write_text(recipe.read_text().replace('axes.set_title("Confusion matrix")', 'axes.set_title("Confusions")'))
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    computed = re.findall(r"figures: (\S+): computing \((.*)\)", done.stdout)
    assert computed == [("figure:confusion-matrix", "code changed (figures.recipes.confusion_matrix)")]
    changed = {n for n, data in figures_of(site).items() if figures_of(reference).get(n) != data}
    assert changed and all(name.startswith("confusion-matrix.") for name in changed)


@pytest.mark.timeout(240)  # a rebuild that never comes would otherwise block on the log
def test_mkdocs_serve_rebuilds_text_edits_without_computing_and_recipe_edits_with_one_figure(reference, tmp_path):
    site = tmp_path / "served"
    shutil.copytree(reference, site)
    recipe = code_copy(site) / "figures" / "recipes" / "confusion_matrix.py"
    with socket.socket() as probe:  # a free port (mkdocs serve watches files only with livereload on)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        engine("serve", "--dev-addr", f"127.0.0.1:{port}"),
        cwd=site,
        env=build_env(site),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    log = ServerLog(server)
    try:
        log.read_until("Serving on")
        log.wait_until_watching(site / "docs" / "probe.md")
        page = site / "docs" / "index.md"
        page.write_text(page.read_text().replace("Math", "Served math"))
        text_rebuild = log.read_until("Reloading browsers")
        recipe.write_text(recipe.read_text().replace('set_title("Confusion matrix")', 'set_title("Confusions")'))
        recipe_rebuild = log.read_until("Reloading browsers")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        server.stdout.close()
    assert "computing" not in text_rebuild
    assert re.findall(r"figures: (\S+): computing", recipe_rebuild) == ["figure:confusion-matrix"]


class ServerLog:
    """The log of `mkdocs serve`, read line by line by a thread, waited on with a deadline."""

    def __init__(self, server: subprocess.Popen) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._pump, args=(server.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def read_until(self, marker: str, timeout: float = 200) -> str:
        """The log from here up to a line containing `marker`; AssertionError after `timeout` seconds."""
        found: list[str] = []
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no {marker!r} in {timeout} s:\n" + "".join(self.seen + found)) from None
            if line is None:
                raise AssertionError("mkdocs serve ended:\n" + "".join(self.seen + found))
            found.append(line)
            if marker in line:
                self.seen += found
                return "".join(found)

    def wait_until_watching(self, probe: Path) -> None:
        """Return once the file watcher is known to see changes: it has rebuilt after a probe edit.

        The watcher takes its first snapshot of the files in a thread of its own, after
        "Serving on": an edit made before that snapshot goes unseen. Edit a probe file
        until the server reports the change, then wait for that rebuild to end.
        """
        for attempt in range(20):
            probe.write_text(f"# Probe {attempt}\n")
            try:
                self.read_until("Detected file changes", timeout=5)
                break
            except AssertionError:
                continue
        else:
            raise AssertionError("mkdocs serve never noticed an edit")
        # The end of a rebuild: "Documentation built in 0.64 seconds" is no marker, since
        # MkDocs drops a message of its build log that it has printed once already.
        self.read_until("Reloading browsers")
        probe.unlink()
        self.read_until("Reloading browsers")


def popen_build(site: Path) -> subprocess.Popen:
    return subprocess.Popen(
        engine("build", "--strict"),
        cwd=site,
        env=build_env(site),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill_when(site: Path, marker: str) -> str:
    """Start a build, SIGKILL its whole process group when `marker` appears in its log."""
    build = popen_build(site)
    seen = []
    assert build.stdout is not None
    for line in build.stdout:
        seen.append(line)
        if marker in line:
            os.killpg(build.pid, signal.SIGKILL)
            break
    build.wait(timeout=60)
    build.stdout.close()
    log = "".join(seen)
    assert build.returncode == -signal.SIGKILL, f"the build ended before {marker!r}:\n{log}"
    return log


def trusted_entries(cache: Path) -> list[Path]:
    return sorted(p.parent for p in cache.glob("*/*/record.json"))


def test_a_build_killed_while_training_or_rendering_leaves_nothing_trusted(reference, tmp_path):
    site = small_figure_site(tmp_path / "killed")
    cache = site / ".cache-test"
    kill_when(site, "model: TensorFlow loaded")  # killed during training
    assert not (cache / "model").exists() or not list((cache / "model").glob("*/record.json"))
    kill_when(site, "figure confusion-matrix:")  # killed while the figures render
    assert list((cache / "model").glob("*/record.json"))  # the model finished before this kill
    for entry in trusted_entries(cache):  # everything a later build would trust is whole
        record = json.loads((entry / "record.json").read_text())
        assert all((entry / name).stat().st_size == f["size"] for name, f in record["files"].items())
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    assert figures_of(site) == figures_of(reference)
    assert pages_of(site) == pages_of(reference)


def test_two_builds_at_once_share_one_cache(reference, tmp_path):
    shared = tmp_path / "shared-cache"
    one = small_figure_site(tmp_path / "one", cache_dir=str(shared))
    two = small_figure_site(tmp_path / "two", cache_dir=str(shared))
    builds = [popen_build(one), popen_build(two)]
    logs = [b.communicate(timeout=900)[0] for b in builds]
    assert [b.returncode for b in builds] == [0, 0], logs
    assert figures_of(one) == figures_of(two) == figures_of(reference)
    # Each entry was computed once: the second build waited for the first one's lock.
    computed = sum(log.count("model: computing") for log in logs)
    assert computed == 1, logs


DAMAGE = {
    "dataset": ("digits.npz", lambda p: p.write_bytes(p.read_bytes()[:100])),
    "model": ("model.keras", lambda p: p.write_bytes(b"PK\x03\x04 not a keras file")),
    "predictions": ("logits.npz", lambda p: p.write_bytes(p.read_bytes()[::-1])),
    "shap": ("shap.npz", lambda p: p.write_bytes(b"")),
    "lime": ("lime.npz", lambda p: p.write_bytes(p.read_bytes() + b"trailing")),
    "forest": ("importances.npz", lambda p: p.write_text("{}")),
    "figure-shap-digit": ("light.png", lambda p: p.write_bytes(p.read_bytes()[:64])),
    "figure-confusion-matrix": ("record.json", lambda p: p.write_text('{"format": 1, "key": ')),
    # An intact figure needs nothing upstream: damage the figures over LIME and the forest
    # too, so that their damaged inputs are read (and caught).
    "figure-lime-digit": ("dark.png", lambda p: p.unlink()),
    "figure-feature-importance": ("light.png", lambda p: p.write_bytes(b"GIF89a")),
}


def _explains_seven_or_any(entry: Path) -> bool:
    """SHAP and LIME keep one entry a digit: damage the seven's, which the damaged figures read."""
    params = json.loads((entry / "record.json").read_text())["params"]
    return params.get("digit", 7) == 7


def test_damaged_entries_of_every_kind_are_reported_and_recomputed(reference, tmp_path):
    site = tmp_path / "damaged"
    shutil.copytree(reference, site)
    for step, (name, damage) in DAMAGE.items():
        entry = next(e for e in (site / ".cache-test" / step).glob("*/") if _explains_seven_or_any(e))
        damage(entry / name)
    docs, bib = snapshot(site / "docs"), (site / "references.bib").read_bytes()
    done = mkdocs(site)
    assert done.returncode == 0, done.stdout
    assert "WARNING" not in done.stdout  # repairs are said at info level: --strict still passes
    repairs = re.findall(r"INFO    -  figures: (.+?): cached entry unusable, recomputing: (.*)", done.stdout)
    assert {step.split("[")[0]: reason for step, reason in repairs} == {
        "dataset": "digits.npz does not match its recorded checksum (corrupt or truncated)",
        "model": "model.keras does not match its recorded checksum (corrupt or truncated)",
        "predictions": "logits.npz does not match its recorded checksum (corrupt or truncated)",
        "shap": "shap.npz does not match its recorded checksum (corrupt or truncated)",
        "lime": "lime.npz does not match its recorded checksum (corrupt or truncated)",
        "forest": "importances.npz does not match its recorded checksum (corrupt or truncated)",
        "figure:shap-digit": "light.png does not match its recorded checksum (corrupt or truncated)",
        "figure:confusion-matrix": "its record.json is unreadable (JSONDecodeError)",
        "figure:lime-digit": "dark.png is missing",
        "figure:feature-importance": "light.png does not match its recorded checksum (corrupt or truncated)",
    }
    no_traceback(done.stdout)
    assert figures_of(site) == figures_of(reference)
    assert snapshot(site / "docs") == docs and (site / "references.bib").read_bytes() == bib
    assert mkdocs(site, "--strict").returncode == 0  # and the repaired cache is trusted again


def test_a_cache_folder_that_cannot_be_written_is_one_clear_error(tmp_path):
    blocker = tmp_path / "blocker"
    site = small_figure_site(tmp_path / "site", cache_dir="../blocker/cache")
    blocker.write_text("a file where a folder should be")
    done = mkdocs(site)
    assert done.returncode == 1
    expected = f"{blocker / 'cache'}: cannot create the cache folder (Not a directory)"
    assert f"ERROR   -  {expected}" in done.stdout
    no_traceback(done.stdout)


def idx_folder(folder: Path, images: bytes) -> Path:
    folder.mkdir(parents=True)
    (folder / "train-images-idx3-ubyte").write_bytes(images)
    (folder / "train-labels-idx1-ubyte").write_bytes(b"\x00\x00\x08\x01" + (2).to_bytes(4, "big") + b"\x01\x02")
    return folder


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (
            b"\x00\x00\x08\x03" + (2).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + b"\x00" * 1000,
            "train-images-idx3-ubyte: truncated IDX file (expected 1584 bytes, found 1016)",
        ),
        (
            b"\x1f\x8b\x08\x00" + b"\x00" * 2000,
            "train-images-idx3-ubyte: not an IDX image file (magic number 0x1f8b0800, expected 0x00000803)",
        ),
    ],
    ids=["truncated", "wrong magic"],
)
def test_a_bad_mnist_file_fails_with_its_path(tmp_path, images, message):
    folder = idx_folder(tmp_path / "mnist", images)
    extra = SMALL_FIGURES.replace("    model:", f"    data:\n      source: idx\n      path: {folder}\n    model:")
    site = small_figure_site(tmp_path / "site", extra, {"index.md": '# P\n\n{% figure "confusion-matrix" %}\n'})
    done = mkdocs(site)
    assert done.returncode == 1
    assert f"ERROR   -  {folder}/{message}" in done.stdout, done.stdout
    no_traceback(done.stdout)


NOTEBOOK = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A notebook"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": ["x = 1"]},
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": ["x / 0"]},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def test_a_notebook_cell_that_raises_names_the_notebook_and_cell(reference, tmp_path):
    site = tmp_path / "notebook"
    shutil.copytree(reference, site)  # with its cache: only the notebook runs
    config = (
        (site / "mkdocs.yml")
        .read_text()
        .replace("plugins:\n  - search\n", "plugins:\n  - search\n  - mkdocs-jupyter:\n      execute: false\n")
    )
    (site / "mkdocs.yml").write_text(config)
    (site / "docs" / "nb.ipynb").write_text(json.dumps(NOTEBOOK))
    done = mkdocs(site)
    assert done.returncode == 1
    assert "ERROR   -  docs/nb.ipynb: cell 3 raised ZeroDivisionError: division by zero" in done.stdout, done.stdout
    no_traceback(done.stdout)


def with_notebook(site: Path, cells: list[str]) -> Path:
    """`site` with mkdocs-jupyter and a notebook page of code `cells`."""
    config = (site / "mkdocs.yml").read_text()
    config = config.replace(
        "plugins:\n  - search\n", "plugins:\n  - search\n  - mkdocs-jupyter:\n      execute: false\n"
    )
    (site / "mkdocs.yml").write_text(config)
    notebook = {**NOTEBOOK, "cells": [{**NOTEBOOK["cells"][1], "source": [cell]} for cell in cells]}
    (site / "docs" / "nb.ipynb").write_text(json.dumps(notebook))
    return site


def test_strict_build_after_damaging_every_file_of_every_cache(reference, tmp_path):
    """Every file of the figure cache (entries, records, manifest, locks) and of mkdocs-jupyter's
    render cache is overwritten with garbage: --strict still passes, with the figures of a clean build."""
    site = with_notebook(shutil.copytree(reference, tmp_path / "damaged"), ["print(6 * 7)"])
    first = mkdocs(site, "--strict")
    assert first.returncode == 0, first.stdout
    notebook_page = (site / "site" / "nb" / "index.html").read_text()
    damaged = [p for folder in (".cache-test", ".cache") for p in (site / folder).rglob("*") if p.is_file()]
    assert len([p for p in damaged if "mkdocs-jupyter" in str(p)]) >= 1 and len(damaged) > 40
    for path in damaged:
        path.write_bytes(b"\xff\xfe garbage " + path.name.encode())
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    no_traceback(done.stdout)
    assert figures_of(site) == figures_of(reference)
    assert (site / "site" / "nb" / "index.html").read_text() == notebook_page
    assert "removed from mkdocs-jupyter's cache" in done.stdout


# ------------------------------------------------------------------ security


class _Markup(HTMLParser):
    """Collects what would run: script bodies and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.handlers += [f"{tag} {name}={value}" for name, value in attrs if name.startswith("on")]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


NASTY = '<script>alert(1)</script> "onmouseover=alert(2) x="'


def test_front_matter_and_bibliography_text_is_escaped_everywhere(tmp_path):
    """Every field an author or a .bib file fills carries a script and an attribute break-out."""
    fields = ["title", "author", "journal", "year", "url", "doi", "note", "publisher"]
    bib = "@article{evil,\n" + ",\n".join(f"  {f} = {{{NASTY.replace('{', '')}}}" for f in fields) + "\n}\n"
    post = (
        "---\n"
        f"title: '{NASTY}'\n"
        f"description: '{NASTY}'\n"
        "date: 2024-01-02\n"
        "authors: [editors]\n"
        f"tags: ['{NASTY}']\n"
        '---\n\n# Post\n\nSee [@evil] and {% cite "evil" %}.\n'
    )
    site = blog_site(tmp_path / "site", {"evil.md": post}, bib=bib)
    done = mkdocs(site)
    assert done.returncode == 0, done.stdout
    pages = pages_of(site)
    assert any("alert(1)" in html.decode() for html in pages.values())  # the text is there...
    for name, html in pages.items():
        parser = _Markup()
        parser.feed(html.decode())
        assert parser.handlers == [], name  # ...but never as markup
        assert not any("alert(" in script for script in parser.scripts), name


def test_bad_post_front_matter_fails_with_file_and_line(tmp_path):
    """The front-matter hook finds the blog's posts and its authors file (every message of
    `frontmatter.check_post` is tested in-process: tests/test_frontmatter.py)."""
    site = blog_site(tmp_path / "site", {"p.md": "---\ndate: 2024-01-02\nauthors: [bob]\n---\n\n# P\n"})
    docs = snapshot(site / "docs")
    done = mkdocs(site)
    assert done.returncode == 1
    assert "ERROR   -  docs/blog/posts/p.md:3: unknown author 'bob'; known authors: editors" in done.stdout, done.stdout
    no_traceback(done.stdout)
    assert snapshot(site / "docs") == docs


def test_no_pickle_and_safe_mode_in_the_figures_package():
    """Static guard: every np.load passes allow_pickle=False; every load_model safe_mode=True."""
    checked = 0
    for path in (ROOT / "figures").rglob("*.py"):
        source = path.read_text()
        assert "import pickle" not in source, path
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            keywords = {k.arg: getattr(k.value, "value", None) for k in node.keywords}
            if node.func.attr == "load" and getattr(node.func.value, "id", None) == "np":
                assert keywords.get("allow_pickle") is False, f"{path}:{node.lineno}"
                checked += 1
            if node.func.attr == "load_model":
                assert keywords.get("safe_mode") is True, f"{path}:{node.lineno}"
                checked += 1
    assert checked >= 3  # the cache's one .npz reader, the npz data source and the model
