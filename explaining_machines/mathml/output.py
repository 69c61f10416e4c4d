"""latex2mathml's MathML checked and corrected: no TeX left as text, no styles browsers ignore.

`check_mathml` refuses output that still shows TeX as text (a command latex2mathml did not
know, a stray brace); `fix_mathml` replaces ``mathvariant`` values that MathML Core dropped
by the styled Unicode letters it asks for, sets operators written as identifiers as
operators, and gives sized delimiters their characters.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from xml.etree import ElementTree

from latex2mathml.symbols_parser import convert_symbol

from explaining_machines.mathml.tex import GATHERED, MathError

_RAW_AMPERSAND = re.compile(r"&(?!#x[0-9A-Fa-f]+;|amp;|lt;|gt;)")
_STRAY_BRACE = re.compile(r"<m[io]>([{}])</m[io]>")
_BACKSLASH_TEXT = re.compile(r"<(m[a-z]+)\b[^>]*>([^<]*\\[^<]*)</\1>")
# A bare <mo /> is what latex2mathml leaves of an \operatorname it could not read.
_BROKEN_OPERATOR = re.compile(r"<mo />(<mo>&#x0002A;</mo>)?")


def check_mathml(tex: str, mathml: str) -> None:
    """Refuse latex2mathml output that shows TeX syntax as text or that browsers would not show right."""
    if _RAW_AMPERSAND.search(mathml):
        raise MathError(tex, "a literal & shown as text: write \\& for an ampersand")
    if 'linebreak="newline"' in mathml:
        raise MathError(tex, "a line break \\\\ that browsers ignore: " + GATHERED)
    text = _BACKSLASH_TEXT.search(mathml)
    shown = html.unescape(text[2]).replace("\xa0", " ") if text else ""
    if text and text[1] == "mtext":
        raise MathError(tex, f"\\text{{...}} would show {shown!r} verbatim: end \\text{{}} before any math or command")
    if text:
        raise MathError(
            tex,
            f"unknown command {shown}"
            if re.fullmatch(r"\\[A-Za-z]+", shown)
            else f"TeX {shown!r} would be shown as text",
        )
    if "$" in mathml:
        raise MathError(
            tex,
            "$ inside math (perhaps math inside \\text{}): close \\text{} before the math, "
            "or write \\$ for a dollar sign",
        )
    broken = _BROKEN_OPERATOR.search(mathml)
    if broken:
        star = "; the * of \\operatorname* comes right after operatorname" if broken[1] else ""
        raise MathError(tex, f"an operator name is letters only (for arg max write \\operatorname*{{arg\\,max}}){star}")
    if _STRAY_BRACE.search(mathml):
        raise MathError(tex, "unbalanced braces")
    try:
        ElementTree.fromstring(mathml)
    except ElementTree.ParseError as error:
        raise MathError(tex, f"latex2mathml wrote malformed MathML ({error})") from None


# MathML Core keeps only mathvariant="normal"; bold, double-struck, ... are to be written
# as the letters of Unicode's Mathematical Alphanumeric Symbols, as MDN advises.
_VARIANT_TOKEN = re.compile(r'<(mi|mn|mo)((?: [a-z]+="[^"]*")*?) mathvariant="([a-z-]+)"([^>]*)>([^<]*)</\1>')
_VARIANT_NAMES = {
    "bold": "BOLD",
    "italic": "ITALIC",
    "bold-italic": "BOLD ITALIC",
    "double-struck": "DOUBLE-STRUCK",
    "script": "SCRIPT",
    "bold-script": "BOLD SCRIPT",
    "fraktur": "FRAKTUR",
    "bold-fraktur": "BOLD FRAKTUR",
    "sans-serif": "SANS-SERIF",
    "bold-sans-serif": "SANS-SERIF BOLD",
    "sans-serif-italic": "SANS-SERIF ITALIC",
    "sans-serif-bold-italic": "SANS-SERIF BOLD ITALIC",
    "monospace": "MONOSPACE",
}
# \textbf and friends: <mtext> is text, so CSS styles it.
_VARIANT_TEXT = re.compile(r'<mtext mathvariant="([a-z-]+)">')
_TEXT_STYLES = {
    "bold": "font-weight: bold",
    "italic": "font-style: italic",
    "bold-italic": "font-weight: bold; font-style: italic",
    "monospace": "font-family: monospace",
    "sans-serif": "font-family: sans-serif",
}
# Binary operators and relations latex2mathml writes as identifiers (<mi>), so set without their spaces.
_OPERATOR_IDENTIFIER = re.compile(r"<mi>(&#x000B1;|&#x027F9;|&#x027FA;|&#x027C2;|&#x02AAF;)</mi>")
# latex2mathml 3.81.1 writes \setminus as U+29F5 REVERSE SOLIDUS OPERATOR, as unicode-math long
# did (latex3/unicode-math#181, since reversed), in an <mi>. TeX's fonts, MathJax and Temml show
# U+2216 SET MINUS, a binary operator; many fonts have no U+29F5 at all.
_SET_MINUS = ("<mi>&#x029F5;</mi>", "<mo>&#x02216;</mo>")
# latex2mathml 3.81.1 writes | and \| as operators (<mo stretchy="false">), which MathML spaces as
# infix operators wherever they do not open or close their row: "|S|!" reads "|S |!". TeX reads
# them as ordinary symbols (MathJax-src#907 made MathJax do so too), and Temml writes <mi>, as
# latex2mathml itself does for \vert and \Vert. \left|, \big| and \mid keep their <mo>.
_ORDINARY_BAR = re.compile(r'<mo(?: fence="false")? stretchy="false">(&#x0007C;|&#x02016;)</mo>')
# \bigl\{, \bigl\lVert, \Bigr\rangle ...: latex2mathml copies a delimiter given as a command
# into the sized <mo> as it is, backslash and all; its own symbol table knows the character.
_SIZED_DELIMITER = re.compile(r'(<mo [^>]*maxsize="[^"]*">)(\\(?:[A-Za-z]+|[{}|]))</mo>')


def fix_mathml(mathml: str) -> str:
    """Write what latex2mathml leaves to MathML features browsers lack the way MathML Core asks for.

    Styled letters become Unicode letters, operators written as identifiers become operators,
    bars written as operators become ordinary symbols, ``\\setminus`` becomes U+2216, and
    delimiters of ``\\big`` and friends become their characters.
    """
    mathml = _SIZED_DELIMITER.sub(_sized_delimiter, mathml)
    mathml = _VARIANT_TOKEN.sub(_unicode_variant, mathml)
    mathml = _VARIANT_TEXT.sub(lambda match: f'<mtext style="{_TEXT_STYLES.get(match[1], "")}">', mathml)
    mathml = _ORDINARY_BAR.sub(r"<mi>\1</mi>", mathml.replace(*_SET_MINUS))
    return _OPERATOR_IDENTIFIER.sub(r"<mo>\1</mo>", mathml)


def _sized_delimiter(match: re.Match[str]) -> str:
    code = convert_symbol(match[2])
    return match[0] if code is None else f"{match[1]}&#x{code};</mo>"  # an unknown one is refused by check_mathml


def _unicode_variant(match: re.Match[str]) -> str:
    tag, before, variant, after, text = match.groups()
    if variant == "normal":
        return match[0]  # the one value MathML Core keeps
    letters = [styled(char, variant) for char in html.unescape(text)]
    if None in letters:
        return match[0]  # no styled form in Unicode: the attribute still works in Firefox
    return f"<{tag}{before}{after}>{''.join(f'&#x{ord(char):05X};' for char in letters)}</{tag}>"


@functools.cache
def styled(char: str, variant: str) -> str | None:
    """`char` as a Mathematical Alphanumeric Symbol in `variant` ("bold", ...), or None if Unicode has none."""
    style = _VARIANT_NAMES.get(variant)
    name = unicodedata.name(char, "")
    if style is None or not name:
        return None
    letter = name.replace("LATIN ", "").replace("GREEK ", "").replace("LETTER ", "")  # "SMALL X", "DIGIT ONE"
    if style == "BOLD ITALIC" and (letter.startswith("DIGIT") or name.startswith("GREEK CAPITAL")):
        style = "BOLD"  # \boldsymbol keeps digits and capital Greek upright, as TeX does
    if (style, letter) == ("ITALIC", "SMALL H"):
        return "\u210e"  # PLANCK CONSTANT fills the hole the block leaves for italic h
    # The block's other holes are letters Unicode had before it (ℝ, ℒ, ℭ, ...), named without MATHEMATICAL.
    for candidate in (f"MATHEMATICAL {style} {letter}", f"{style.replace('FRAKTUR', 'BLACK-LETTER')} {letter}"):
        try:
            return unicodedata.lookup(candidate)
        except KeyError:
            continue
    return None
