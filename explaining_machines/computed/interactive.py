"""Which figures of a page show their interactive view, the files that takes, and the page's scripts.

A recipe that defines a view (`figures.views`) says whether pages show it by default
(``INTERACTIVE``); a tag's ``interactive=true`` or ``interactive=false`` decides for its
figure. A page with at least one view ends with the scripts (`explaining_machines.views.assets`),
after every excerpt separator, so that blog excerpts, which show the images, load none;
a page without a view loads no Vega script. Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
from pathlib import Path

from explaining_machines.views import assets
from figures.cache import Entry
from figures.views import SPEC

FOLDER = "assets/figures"


def shown(recipe, tag_says: bool | None) -> bool:
    """Whether a figure of `recipe` shows its view: as the tag says, else as the recipe says."""
    if recipe.interactive is None:
        return False
    return recipe.interactive if tag_says is None else tag_says


def problem(recipe, tag_says: bool | None) -> str | None:
    """What is wrong with asking `recipe` for a view (``interactive=true`` where it has none)."""
    if tag_says and recipe.interactive is None:
        return f"figure '{recipe.name}' has no interactive view; remove interactive=true"
    return None


def hashed(name: str, entry: Entry, file: str) -> str:
    """A name that carries a hash of the file's bytes: ``NAME.DIGEST.folder-file.ext``."""
    stem, dot, suffix = file.rpartition(".")
    return f"{name}.{entry.digest(file)[:10]}.{stem.replace('/', '-')}{dot}{suffix}"


def view_files(entry: Entry) -> dict[str, Path]:
    """The site paths of a figure's view (its spec and data files), and their files in the cache."""
    name = entry.record["params"]["name"]
    return {f"{FOLDER}/{hashed(name, entry, file)}": entry.file(file) for file in entry.meta.get("view", [])}


def view_links(entry: Entry) -> tuple[str, dict[str, str]]:
    """The spec's path from the site's root, and each data file's name in its folder."""
    name = entry.record["params"]["name"]
    files = {
        file.removeprefix("view/"): hashed(name, entry, file) for file in entry.meta.get("view", []) if file != SPEC
    }
    return f"/{FOLDER}/{hashed(name, entry, SPEC)}", files


def scripts_html() -> str:
    """The script elements of a page with a view: root-absolute, made relative to each page as
    every ``src`` is; ``defer`` runs them in order once the page is parsed."""
    return "\n".join(f'<script src="/{html.escape(path)}" defer></script>' for path in assets.scripts())
