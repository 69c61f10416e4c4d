"""The characters each ``<math>`` of a finished page makes the browser draw.

Read from the page's final HTML rather than while latex2mathml runs: on a warm build the
math of the reference lists and of the blog's excerpts comes from memos and is never
rendered again, but it is in the page all the same, and needs its glyphs.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from explaining_machines.mathml.output import styled
from explaining_machines.source import mdscan

_MATH = re.compile(r"<math\b([^>]*)>(.*?)</math>", re.DOTALL)
_ALTTEXT = re.compile(r'\balttext="([^"]*)"')
_MARKUP = re.compile(r"<[^>]*>")
# A one-character <mi> is drawn in italic (CSS text-transform: math-auto, MathML Core): Chromium
# draws the Mathematical Italic letter, U+1D465 for x, which the font must have too.
_IDENTIFIER = re.compile(r"<mi(?![^>]*\bmathvariant=)(?:\s[^>]*)?>([^<]*)</mi>")


@dataclass(frozen=True)
class Formula:
    """One ``<math>`` of a page: its TeX as written (from ``alttext``) and what it draws."""

    tex: str
    characters: frozenset[str]


def formulas(page_html: str) -> list[Formula]:
    """Every ``<math>`` element of `page_html`, in order."""
    found = []
    for match in _MATH.finditer(page_html):
        alttext = _ALTTEXT.search(match[1])
        drawn = {char for char in html.unescape(_MARKUP.sub("", match[2])) if char >= " "}
        for identifier in _IDENTIFIER.finditer(match[2]):
            letter = html.unescape(identifier[1])
            italic = styled(letter, "italic") if len(letter) == 1 else None
            if italic:
                drawn.add(italic)
        found.append(Formula(html.unescape(alttext[1]) if alttext else "", frozenset(drawn)))
    return found


def formula_line(source: str, tex: str, *, markdown: bool = True) -> int | None:
    """The 1-based line of `source` on which the formula `tex` (as ``alttext`` has it) stands
    whole: ``$tex$``, ``$$ tex $$``, or alone on its line between ``$$`` lines; None if nowhere.

    A formula is looked for whole, not as a substring: ``\\text{x}`` of a .bib title must not
    be found inside ``a \\text{x} b`` of the page that cites it. In Markdown (`markdown`),
    code does not count; a .bib file has none (and its indented lines are no code blocks).
    A formula of several lines is found by its first.
    """
    first = next((line.strip() for line in tex.splitlines() if line.strip()), tex.strip())
    escaped = re.escape(first)
    if "\n" in tex.strip():
        pattern = re.compile(rf"^[ \t>]*(?:\$\$[ \t]*)?{escaped}[ \t]*$", re.MULTILINE)
    else:
        pattern = re.compile(
            rf"(?<![\\$])\$\$?[ \t]*{escaped}[ \t]*\$|^[ \t>]*(?:\$\$)?[ \t]*{escaped}[ \t]*(?:\$\$)?[ \t]*$",
            re.MULTILINE,
        )
    matches = mdscan.finditer_outside_code(pattern, source) if markdown else pattern.finditer(source)
    found = next(iter(matches), None)
    return None if found is None else source.count("\n", 0, found.start()) + 1
