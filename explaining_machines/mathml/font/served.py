"""The subset the site serves, kept between builds by the characters it holds.

A subset takes fontTools a few seconds; the characters of a site change only when an
equation does. So each subset is kept in the cache folder: its bytes under their SHA-256
(``math-font/<sha256>.woff2``), and in a memo (`explaining_machines.memo`) the key -- the
characters, the vendored font's digest, and the code and library versions that cut it --
with the file's digest and the characters the font lacks. A warm build reads the memo,
checks the file against its digest (a damaged one is cut again) and copies it: no fontTools.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from explaining_machines import memo
from explaining_machines.files import write_bytes_atomic
from explaining_machines.mathml.font import collect, subset
from explaining_machines.mathml.font.manifest import Vendored, vendored

FAMILY = "Explaining Machines Math"  # the name docs/stylesheets/site.css gives math first
STYLESHEET = "assets/stylesheets/math-font.css"
FONTS = "assets/fonts"
_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ServedFont:
    """A subset as the site serves it."""

    path: str  # in the site: "assets/fonts/stix-two-math.<digest>.woff2"
    data: bytes
    characters: int
    missing: frozenset[str]  # characters the equations draw that the font does not have
    made: bool  # subset by this build (False: read from the cache)


class FontStore:
    """The subsets kept in one cache folder; `load` first, `serve` once a build, then `save`."""

    def __init__(self, cache: Path, font: Vendored | None = None) -> None:
        self.font = font or vendored()
        code = memo.code_digest((subset, collect), ("fonttools", "brotli"))
        self.memo = memo.Memo(cache / "memo" / "math-font.json", code)
        self.folder = cache / "math-font"

    def load(self) -> str | None:
        """Read the last build's memo; returns why it cannot be used, or None."""
        return self.memo.load()

    def serve(self, characters: Iterable[str]) -> tuple[ServedFont, str | None]:
        """The subset holding `characters`, from the cache or cut now; and why a cached one was
        unusable (None when there was none, or it was fine)."""
        wanted = "".join(sorted(set(characters)))
        key = self.memo.key(self.font.sha256, wanted)
        entry = self.memo.get(key)
        why = None
        if entry is not None:
            found, why = self._cached(entry, len(wanted))
            if found is not None:
                return found, None
            self.memo.forget(key)
        data, missing = subset.subset_font(self.font.verified_font(), wanted)
        digest = hashlib.sha256(data).hexdigest()
        write_bytes_atomic(self.folder / f"{digest}.woff2", data)
        self.memo.put(key, {"sha256": digest, "missing": "".join(sorted(missing))})
        return ServedFont(_site_path(digest), data, len(wanted), missing, made=True), why

    def _cached(self, entry: object, characters: int) -> tuple[ServedFont | None, str | None]:
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and _DIGEST.fullmatch(entry["sha256"])
                and isinstance(entry.get("missing"), str)):  # fmt: skip
            return None, f"{self.memo.path}: an entry of the wrong shape; the font is cut again"
        path = self.folder / f"{entry['sha256']}.woff2"
        try:
            data = path.read_bytes()
        except OSError as error:
            return None, f"{path}: cannot be read ({error.__class__.__name__}); the font is cut again"
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            return None, f"{path}: does not match its recorded SHA-256 (damaged); the font is cut again"
        return ServedFont(_site_path(entry["sha256"]), data, characters, frozenset(entry["missing"]), False), None

    def save(self) -> None:
        """Keep this build's subset for the next (only this build's)."""
        self.memo.save()


def _site_path(digest: str) -> str:
    return f"{FONTS}/stix-two-math.{digest[:16]}.woff2"


def licence_path() -> str:
    """Where the site serves the font's licence, beside the font (the OFL travels with it)."""
    return f"{FONTS}/STIX-Two-Math-OFL.txt"


def stylesheet(served: ServedFont | None, font: Vendored | None = None) -> str:
    """The CSS that declares the subset as `FAMILY`; with no subset (a site without math), none."""
    if served is None:
        return "/* No equation on this site: no math font to declare. */\n"
    font = font or vendored()
    url = posixpath.relpath(served.path, posixpath.dirname(STYLESHEET))
    return (
        f"/* {font.family} ({font.licence}, {posixpath.relpath(licence_path(), posixpath.dirname(STYLESHEET))}), "
        f"from {font.package} {font.version}, cut by the build to the {served.characters} characters the "
        "site's equations draw. */\n"
        "@font-face {\n"
        f'  font-family: "{FAMILY}";\n'
        f'  src: url("{url}") format("woff2");\n'
        "  font-display: swap;\n"
        "}\n"
    )
