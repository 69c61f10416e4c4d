"""The site's own math font: STIX Two Math, vendored, cut down to what the equations use.

MathML rendered at build time needs a font with an OpenType MATH table on the reader's
side: Chromium stretches brackets, sets fractions and scripts from it, and a stock Linux
or Android has none (the CSS's ``math`` family then falls to a text font, or to a box for
a character the fonts lack). So the site serves one:

* `manifest.vendored` reads ``vendor/manifest.json``: the npm package the font comes from
  (``@fontsource/stix-two-math``), its version, the tarball's integrity as npm gave it,
  the licence (OFL-1.1, whose text is ``vendor/OFL.txt``) and the SHA-256 of each file;
  `manifest.problems` checks the files against it, and the build refuses a font that differs;
* `collect.formulas` reads each finished page's ``<math>`` elements: their TeX (the
  ``alttext``, which names the formula in warnings) and every character the browser will
  draw, the italic letters that Chromium substitutes for one-letter ``<mi>`` included;
* `subset.subset_font` cuts the font to those characters with fontTools, keeping the MATH
  table and the glyphs its variants and assemblies need, as WOFF2;
* `report.missing_characters` words a warning for each formula that draws a character
  the font lacks, at the file and line where the formula is written (a page, or a .bib);
* `served.FontStore` keeps each subset in the cache folder by the set of characters (and
  the font's digest and the code), so a warm build copies a file and never imports fontTools;
  the file is served under a name that carries the digest of its bytes, and declared with
  ``@font-face`` in a stylesheet of its own (`served.stylesheet`).

Imports nothing from MkDocs; ``hooks/math_hook.py`` wires it to the build.
"""

from explaining_machines.mathml.font.collect import Formula, formula_line, formulas
from explaining_machines.mathml.font.manifest import VENDOR, FontIntegrityError, Vendored, vendored
from explaining_machines.mathml.font.report import Shown, missing_characters
from explaining_machines.mathml.font.served import FAMILY, STYLESHEET, FontStore, ServedFont, stylesheet

__all__ = [
    "FAMILY",
    "STYLESHEET",
    "VENDOR",
    "FontIntegrityError",
    "FontStore",
    "Formula",
    "ServedFont",
    "Shown",
    "Vendored",
    "formula_line",
    "formulas",
    "missing_characters",
    "stylesheet",
    "vendored",
]
