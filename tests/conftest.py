"""Shared fixtures and helpers to build sites in tmp_path.

The project is installed (``pip install -e .``), so tests import ``figures`` and
``explaining_machines`` by name. A test that must change the code a build runs (edit a
recipe, add one) builds with `code_copy`: a copy of both packages that the build's
processes import first, through PYTHONPATH, as an edited checkout would be.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# Python caches compiled modules, and pytest its rewritten test modules, unless told not to:
# this machine's PYTHONDONTWRITEBYTECODE made every run compile and rewrite all of them again
# (about 3 s of the fast lane). An author's Python caches them; so do the tests, as the
# builds they start do (`build_env`).
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("figures", "explaining_machines")
CODE_COPY = "code"  # the folder inside a test site that holds an editable copy of the packages

OFFLINE = ["unshare", "--net"]  # a network namespace of its own: no interface is up, not even loopback


def can_go_offline() -> bool:
    """Whether this machine lets us run a command in a network namespace of its own."""
    if not shutil.which("unshare"):
        return False
    return subprocess.run([*OFFLINE, "true"], capture_output=True).returncode == 0


# The engine the site tests build with: MkDocs, or ProperDocs (its maintained fork, which runs
# Material unchanged) in CI's second lane (README, "Tests").
ENGINE = os.environ.get("SITE_ENGINE", "mkdocs")
if ENGINE not in ("mkdocs", "properdocs"):
    raise RuntimeError(f"SITE_ENGINE={ENGINE!r}: expected mkdocs or properdocs")


def engine(*args: str) -> list[str]:
    """The command that runs the site's engine with `args` (``build --strict``, ``serve ...``)."""
    return [sys.executable, "-m", ENGINE, *args]


def mkdocs(site: Path, *args: str, offline: bool = False) -> subprocess.CompletedProcess:
    """Run `mkdocs build` in `site`; returns the finished process (output in .stdout).

    `offline` runs it in a network namespace with no interface up: no route to any host,
    not even 127.0.0.1 (the notebook's kernel talks to its client over Unix sockets).
    """
    env = build_env(site)
    command = engine("build", *args)
    return subprocess.run(
        [*OFFLINE, *command] if offline else command,
        cwd=site,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=1200,
    )


def build_env(site: Path) -> dict[str, str]:
    """The environment of a build in `site`: its own copy of the code first, if it has one."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # Builds cache compiled modules as an author's Python does (some machines, CI's among
    # them, set PYTHONDONTWRITEBYTECODE: each build would compile the project anew).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if (site / CODE_COPY).is_dir():
        env["PYTHONPATH"] = str(site / CODE_COPY)
    return env


def code_copy(site: Path) -> Path:
    """Give `site` its own copy of the packages, which its builds then run; returns the copy's folder."""
    for name in PACKAGES:
        shutil.copytree(ROOT / name, site / CODE_COPY / name, ignore=shutil.ignore_patterns("__pycache__"))
    return site / CODE_COPY


def copy_project(target: Path) -> Path:
    """A copy of the real site (sources only, no cache) in `target`."""
    for name in ("mkdocs.yml", "references.bib"):
        shutil.copy(ROOT / name, target / name)
    for name in ("docs", "hooks"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


SMALL_CONFIG = """
site_name: Test
site_url: https://example.org/sub/
theme:
  name: material
  font: false
plugins:
  - search
hooks:
  - hooks/settings_hook.py
  - hooks/frontmatter_hook.py
  - hooks/head_hook.py
  - hooks/math_hook.py
  - hooks/references_hook.py
  - hooks/figures_hook.py
  - hooks/urls_hook.py
  - hooks/excerpts_hook.py
  - hooks/jupyter_cache_hook.py
  - hooks/conversions_hook.py
  - hooks/checks_hook.py
markdown_extensions:
  - attr_list
  - md_in_html
  - footnotes
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.superfences
  - pymdownx.snippets:
      check_paths: true
extra:
  project:
    cache_dir: .cache-test
{extra}
"""


def make_site(
    folder: Path,
    pages: dict[str, str],
    extra: str = "",
    *,
    bib: str | None = None,
    config: str = SMALL_CONFIG,
    cache_dir: str | None = None,
) -> Path:
    """A site in `folder` with the project's hooks and figures, `pages` under docs/ and
    `extra` appended to ``extra.project``; `bib` replaces references.bib."""
    folder.mkdir(parents=True, exist_ok=True)
    if cache_dir is not None:
        config = config.replace("cache_dir: .cache-test", f"cache_dir: {cache_dir}")
    shutil.copytree(ROOT / "hooks", folder / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "mkdocs.yml").write_text(config.format(extra=extra))
    (folder / "references.bib").write_text(bib if bib is not None else (ROOT / "references.bib").read_text())
    for name, text in pages.items():
        path = folder / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture
def small_site(tmp_path: Path):
    """A minimal site with the project's hooks; call it with pages and extra settings."""

    def make(pages: dict[str, str], extra: str = "", bib: str | None = None) -> Path:
        return make_site(tmp_path, pages, extra, bib=bib)

    return make


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, str, str]:
    """The real site built twice from a cold cache: (folder, first log, second log).

    The cold build runs with networking switched off where the machine allows it
    (tests/test_site.py checks that it did): the default build needs no network.
    """
    site = copy_project(tmp_path_factory.mktemp("real"))
    docs_before = snapshot(site / "docs")
    first = mkdocs(site, "--strict", offline=can_go_offline())
    assert first.returncode == 0, first.stdout
    second = mkdocs(site, "--strict")
    assert second.returncode == 0, second.stdout
    assert snapshot(site / "docs") == docs_before  # the build never writes into docs/
    return site, first.stdout, second.stdout


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (``CHROMIUM`` names it), shared by the browser tests."""
    from browser import ARGS, CHROMIUM
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(built):
    """The real site, served from a sub-path as GitHub Pages serves it; its base URL."""
    from browser import serve

    with serve(built[0] / "site") as url:
        yield url


BLOG_CONFIG = SMALL_CONFIG.replace(
    "plugins:\n  - search\n",
    """plugins:
  - search
  - tags
  - blog:
      authors_file: "{{blog}}/.authors.yml"
  - rss:
      match_path: "blog/posts/.*"
      use_git: false
      date_from_meta:
        as_creation: date.created
      categories:
        - tags
""",
)
# The avatar is inline, so a small blog needs no image file (and its link check stays clean).
AVATAR = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E"


def blog_site(folder: Path, posts: dict[str, str], bib: str | None = None, extra: str = "",
              pages: dict[str, str] | None = None) -> Path:  # fmt: skip
    """A site with Material's blog, its RSS feed, one author ('editors', "The Editors") and `posts`."""
    authors = f'authors:\n  editors:\n    name: The Editors\n    description: Editors\n    avatar: "{AVATAR}"\n'
    files = {"index.md": "# Home\n", "blog/index.md": "# Blog\n", "blog/.authors.yml": authors, **(pages or {})}
    files.update({f"blog/posts/{name}": text for name, text in posts.items()})
    return make_site(folder, files, extra, bib=bib, config=BLOG_CONFIG)
