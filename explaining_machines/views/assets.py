"""The scripts of the interactive views, as the site publishes them: vendored files, checked.

``vendor/`` holds vega, vega-lite and vega-embed (which bundles vega-interpreter, so
that Vega evaluates its expressions without ``eval``) exactly as the npm registry's
tarballs hold them, and ``vendor/MANIFEST.json`` records each file's package, version,
path in the tarball, SHA-256 and licence. Before a build publishes them, `verify`
checks every file against its recorded digest: a changed or foreign file stops the
build, as a hash-pinned wheel stops pip. Nothing is fetched at build or view time.

The site gets them under ``assets/views/`` with a hash of their bytes in their names
(so a browser's cache is never stale), with ``figure-views.js``, the script that embeds
each view. `scripts` is the load order. Imports nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENDOR = HERE / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"
INIT = HERE / "figure-views.js"
SITE_FOLDER = "assets/views"
# Load order: vega-lite and vega-embed read the globals the scripts before them define.
VENDORED_SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


class VendorError(ValueError):
    """A vendored file that is missing, changed, or not in the manifest."""


def manifest() -> dict:
    """The manifest's ``files``: name -> package, version, path, sha256, licence."""
    return json.loads(MANIFEST.read_text(encoding="utf-8"))["files"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def problems() -> list[str]:
    """What is wrong with ``vendor/``: one line per missing, changed or unrecorded file."""
    recorded = manifest()
    found = []
    for name, record in sorted(recorded.items()):
        path = VENDOR / name
        if not path.is_file():
            found.append(f"{path}: missing ({record['package']} {record['version']})")
        elif sha256(path) != record["sha256"]:
            found.append(f"{path}: its SHA-256 is not the one MANIFEST.json records for "
                         f"{record['package']} {record['version']}")  # fmt: skip
    for path in sorted(VENDOR.iterdir()):
        if path.name not in recorded and path.name != MANIFEST.name:
            found.append(f"{path}: not recorded in MANIFEST.json")
    return found


def site_files() -> dict[str, Path]:
    """The scripts' site paths (hash-named, in load order) and their files; `VendorError` if a
    vendored file is not as recorded. Checked on every call (SHA-256 of under 1 MB: milliseconds)."""
    found = problems()
    if found:
        raise VendorError("; ".join(found))
    files = {}
    for path in (*(VENDOR / name for name in VENDORED_SCRIPTS), INIT):
        stem, _, suffix = path.name.partition(".")
        files[f"{SITE_FOLDER}/{stem}.{sha256(path)[:10]}.{suffix}"] = path
    return files


def scripts() -> list[str]:
    """The site paths of the scripts a page with a view loads, in order."""
    return list(site_files())
