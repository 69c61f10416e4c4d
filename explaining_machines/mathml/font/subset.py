"""The font cut down to the characters the site draws, with fontTools, as WOFF2.

fontTools' subsetter keeps the tables a math font needs and closes the glyph set over
them: the MATH table's size variants and assemblies of each stretchy character (a tall
brace is built from pieces that no character maps to), and the layout features' glyphs
(``ssty``, the script-size forms of primes and letters; ``dtls``, dotless letters under
accents). fontTools is imported only here, and only when a subset is made.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

# Name records kept: the defaults (family, style, version, ...) and, as the OFL asks of a
# modified copy, the copyright (0), the licence (13) and its address (14).
NAME_IDS = (0, 1, 2, 3, 4, 5, 6, 13, 14)


def subset_font(font: bytes, characters: Iterable[str]) -> tuple[bytes, frozenset[str]]:
    """`font` (WOFF2 or OpenType) cut down to `characters`, as WOFF2; and the characters it lacks."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = TTFont(io.BytesIO(font), recalcTimestamp=False)  # the same characters give the same bytes
    cmap = source.getBestCmap()
    wanted = set(characters)
    missing = frozenset(char for char in wanted if ord(char) not in cmap)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = list(NAME_IDS)
    options.notdef_outline = True  # a character that slips through shows a box, not nothing
    options.recalc_timestamp = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(char) for char in wanted - missing))
    subsetter.subset(source)
    out = io.BytesIO()
    source.flavor = "woff2"
    source.save(out)
    return out.getvalue(), missing
