"""The vendored font and its manifest: where it came from, under which licence, and its digests.

The font is copied into the repository from an npm package (README, "The math font"), so
a build needs no network and no package manager; the manifest records the package, its
version, the tarball's integrity as the registry gave it, the licence and the SHA-256 of
each copied file. `problems` compares the files with the manifest (a fast test runs it);
`Vendored.verified_font` is what the build reads, and it refuses bytes that differ.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from explaining_machines.files import sha256_file

VENDOR = Path(__file__).with_name("vendor")
MANIFEST = "manifest.json"


class FontIntegrityError(ValueError):
    """A vendored file whose bytes are not the ones the manifest records."""


@dataclass(frozen=True)
class Vendored:
    """The vendored font as the manifest describes it."""

    family: str  # "STIX Two Math"
    package: str  # "@fontsource/stix-two-math"
    version: str  # the package's version
    licence: str  # an SPDX identifier: "OFL-1.1"
    font: Path
    sha256: str  # of the font file, as recorded
    licence_file: Path

    def verified_font(self) -> bytes:
        """The font's bytes, after checking them against the manifest."""
        data = self.font.read_bytes()
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise FontIntegrityError(
                f"{self.font}: its SHA-256 is not the one {self.font.parent / MANIFEST} records; "
                f"copy it again from {self.package}@{self.version} (README, 'The math font')"
            )
        return data


def vendored(folder: Path = VENDOR) -> Vendored:
    """The font that `folder`'s manifest describes (one WOFF2 file)."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    (name,) = [name for name in manifest["files"] if name.endswith(".woff2")]
    return Vendored(
        family=manifest["family"],
        package=manifest["package"],
        version=manifest["version"],
        licence=manifest["licence"],
        font=folder / name,
        sha256=manifest["files"][name]["sha256"],
        licence_file=folder / manifest["licence_file"],
    )


def problems(folder: Path = VENDOR) -> list[str]:
    """What is wrong with the vendored files: missing, unlisted, or not the bytes recorded."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    found = []
    for name, entry in sorted(manifest["files"].items()):
        path = folder / name
        if not path.is_file():
            found.append(f"{path}: missing (listed in {MANIFEST})")
        elif sha256_file(path) != entry["sha256"]:
            found.append(f"{path}: SHA-256 {sha256_file(path)}, but {MANIFEST} records {entry['sha256']}")
    listed = set(manifest["files"]) | {MANIFEST}
    found += [f"{path}: not listed in {MANIFEST}" for path in sorted(folder.iterdir()) if path.name not in listed]
    if manifest["licence_file"] not in manifest["files"]:
        found.append(f"{folder / MANIFEST}: the licence file {manifest['licence_file']} is not among the files")
    return found
