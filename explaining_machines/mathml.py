"""Render TeX to MathML at build time, so pages show math with no script and no other host.

pymdownx.arithmatex (generic mode) finds ``$...$`` and ``$$...$$`` outside code and
leaves ``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``.
`MathMLExtension` adds a Python-Markdown postprocessor that turns those into MathML with
latex2mathml. Being part of the Markdown pipeline, it also renders math in blog
excerpts, which MkDocs' page events never see. Every current browser displays MathML.

latex2mathml renders some TeX silently wrong: it passes unknown commands, stray braces
and ``&`` through as text, writes ``\\\\`` as a line break that MathML Core (Chromium)
ignores, and styles letters with ``mathvariant`` values that MathML Core dropped. So
every formula goes through three steps around latex2mathml:

1. `_check_tex` refuses TeX that cannot come out right (unknown environments, ``&`` or
   ``\\\\`` outside one, table rules), with a reason that says what to write instead;
2. `_rewrite_tex` turns TeX that latex2mathml gets wrong into TeX it gets right
   (``aligned`` into its ``align*``, ``gather`` into ``displaylines``, limits under
   ``\\operatorname*`` in display math, ...);
3. `_check_mathml` refuses output that still shows TeX as text, and `_fix_mathml`
   replaces ``mathvariant`` by the styled Unicode letters MathML Core asks for.

Anything that still fails raises `MathError`, which the hook turns into ``file:line``.
`render_display` shows a display equation with its number, for ``\\tag`` and for the
cross-references that number labelled equations.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Callable
from xml.etree import ElementTree

from latex2mathml.converter import convert
from latex2mathml.symbols_parser import convert_symbol
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

_INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)


class MathError(ValueError):
    """TeX that cannot be rendered; `tex` is the source as the author wrote it."""

    def __init__(self, tex: str, reason: str) -> None:
        super().__init__(f"cannot render LaTeX '{tex.strip()}': {reason}")  # as written: no doubled backslashes
        self.tex = tex
        self.reason = reason


# ---------------------------------------------------------------------------------------------------------------------
# 1. TeX that cannot come out right

# Environments latex2mathml renders as tables, and what each becomes for it: latex2mathml
# knows align* but passes aligned through as one line with visible &, and writes gather's
# rows with \\ as a line break that browsers ignore. The site numbers a display equation
# as a whole (a \tag or a label), never row by row, so align and gather are unnumbered.
_ENVIRONMENTS = {
    "aligned": "align*",
    "align": "align*",
    "align*": "align*",
    "split": "align*",
    "gathered": "displaylines",
    "gather": "displaylines",
    "gather*": "displaylines",
    "cases": "cases",
    "matrix": "matrix",
    "pmatrix": "pmatrix",
    "bmatrix": "bmatrix",
    "Bmatrix": "Bmatrix",
    "vmatrix": "vmatrix",
    "Vmatrix": "Vmatrix",
    "smallmatrix": "smallmatrix",
    "array": "array",
}
_DISPLAY_ONLY = {"align": "aligned", "align*": "aligned", "gather": "gathered", "gather*": "gathered"}
_SINGLE_COLUMN = {"gathered", "gather", "gather*"}
_ALIGNED = "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}"
_GATHERED = "put the rows in \\begin{gathered} a \\\\ b \\end{gathered} (or aligned, to align them at &)"
_TEXT_COMMAND = r"\\(?:text(?:bf|it|md|normal|rm|sf|tt|up)?|mbox|hbox)\s*\{[^{}]*\}"
_TEX_TOKEN = re.compile(
    r"\\(?P<edge>begin|end)\s*\{(?P<env>[^{}]*)\}(?P<spec>\s*\{[^{}]*\})?"
    rf"|{_TEXT_COMMAND}"  # shown as text: & and \\ in it are not TeX's
    r"|(?P<substack>\\substack\s*\{)"
    r"|(?P<tag>\\tag(?![A-Za-z]))"
    r"|(?P<rule>\\h(?:dash)?line(?![A-Za-z]))"
    r"|(?P<newline>\\\\)"
    r"|\\[A-Za-z]+|\\."
    r"|(?P<amp>&)|(?P<open>\{)|(?P<close>\})"
)


def _check_tex(tex: str, display: bool) -> None:
    """Refuse TeX that latex2mathml would render wrongly, saying what to write instead.

    Walks the formula keeping a stack of the environments (and ``\\substack``) it is in,
    because ``&`` and ``\\\\`` are right inside one and wrong outside.
    """
    stack: list[tuple[str, int]] = []  # (environment, brace depth at which it opened)
    depth = 0
    for token in _TEX_TOKEN.finditer(tex):
        problem = _token_problem(token, stack[-1][0] if stack else None, display)
        if problem:
            raise MathError(tex, problem)
        if token["edge"] == "begin":
            stack.append((token["env"], depth))
        elif token["edge"] == "end":
            stack.pop()
        elif token["open"] or token["substack"]:
            if token["substack"]:
                stack.append(("substack", depth))
            depth += 1
        elif token["close"]:
            depth -= 1
            if stack and stack[-1] == ("substack", depth):
                stack.pop()


def _token_problem(token: re.Match[str], inside: str | None, display: bool) -> str | None:
    """Why `token`, met inside environment `inside` (None: outside any), cannot be rendered right."""
    if token["edge"] == "begin":
        return _environment_problem(token["env"], token["spec"] or "", display)
    if token["edge"] == "end" and inside != token["env"]:
        return f"\\end{{{token['env']}}} does not close " + (f"\\begin{{{inside}}}" if inside else "any \\begin")
    if token["tag"]:
        if display:
            return "\\tag belongs to render_display(), which shows it as the equation number"
        return "\\tag numbers display equations only: write the equation as $$...$$"
    if token["rule"]:
        return f"{token['rule']}: browsers draw no rules in MathML tables (MathML Core); drop it"
    if token["amp"] and inside is None:
        return "a literal & outside an environment: write \\& for an ampersand, or align rows with " + _ALIGNED
    if token["amp"] and inside in _SINGLE_COLUMN:
        return f"{inside} has one centred column: to align at & use " + _ALIGNED
    if token["newline"] and inside is None:
        return "a line break \\\\ outside an environment, which browsers ignore: " + _GATHERED
    return None


def _environment_problem(name: str, spec: str, display: bool) -> str | None:
    if name in ("equation", "equation*"):
        return f"$$...$$ is already a display equation: drop \\begin{{{name}}}"
    if name not in _ENVIRONMENTS:
        return f"unsupported environment {name}; use one of {', '.join(sorted(_ENVIRONMENTS))}"
    if name in _DISPLAY_ONLY and not display:
        return f"{name} is for display math ($$...$$); inside $...$ use {_DISPLAY_ONLY[name]}"
    if name == "array" and "|" in spec:
        return f"browsers draw no vertical rules in MathML tables (MathML Core): drop | from {spec.strip()}"
    return None


# ---------------------------------------------------------------------------------------------------------------------
# 2. TeX that latex2mathml gets wrong, rewritten into TeX it gets right

_ENVIRONMENT_EDGE = re.compile(r"\\(begin|end)\s*\{([A-Za-z]+\*?)\}")
# latex2mathml writes the bars of vmatrix as plain <mo>|</mo>, which do not stretch.
_STRETCHED_BARS = {"vmatrix": "|", "Vmatrix": "\\|"}
_OPERATORNAME = re.compile(r"\\operatorname\s*(\*?)\s*\{([^{}]*)\}(?=(\s*[_^])?)")
_ARG_MAX = re.compile(r"arg\s*\\,\s*(max|min)")
# Operators whose limits TeX sets under them in display style. latex2mathml writes them
# as <msub> (always at the side) unless \limits says otherwise.
_LIMITS_UNDER = re.compile(
    r"(\\operatorname\*\{[^{}]*\}|\\(?:argmax|argmin|lim|liminf|limsup|max|min|sup|inf|det|gcd|Pr)(?![A-Za-z]))"
    r"(?=\s*[_^])"
)
_COMMANDS = {
    # latex2mathml writes \sim as <mi>~</mi> (a tilde, spaced as a letter); \thicksim is U+223C as <mo>.
    "\\sim": "\\thicksim",
    # Named widths such as "negativethinmathspace" are not lengths in MathML Core.
    "\\!": "\\hspace{-0.1667em}",
    "\\negthinspace": "\\hspace{-0.1667em}",
    "\\negmedspace": "\\hspace{-0.2222em}",
    "\\negthickspace": "\\hspace{-0.2778em}",
    "\\thinspace": "\\,",
    "\\thickspace": "\\;",
}
_COMMAND = re.compile(
    "|".join(re.escape(command) + ("(?![A-Za-z])" if command[1].isalpha() else "") for command in _COMMANDS)
)
# latex2mathml writes \mathrm{d} (one letter) as a plain <mi>d</mi>, which browsers set in
# italic; with a space before the brace it takes the path of \mathrm{KL}: mathvariant="normal".
_MATHRM_LETTER = re.compile(r"\\mathrm\{([A-Za-z])\}")
# latex2mathml writes \lVert and \lvert as <mo>, which browsers stretch to the height of the
# whole row, as if they were \left\lVert; \| and | are the bars that do not stretch.
_BAR = re.compile(r"(\\(?:left|right|middle)\s*)?\\[lr](V|v)ert(?![A-Za-z])")
_TEXT = re.compile(_TEXT_COMMAND)
# latex2mathml copies text into <mtext> and then unescapes its own output, so text must
# arrive as HTML; TeX's escapes become the characters they stand for.
_TEXT_ESCAPES = {"\\&": "&amp;", "\\%": "%", "\\$": "&#x00024;", "\\#": "#", "\\_": "_", "<": "&lt;", ">": "&gt;"}
_TEXT_ESCAPE = re.compile(r"\\[&%$#_]|[<>]")


def _rewrite_tex(tex: str, display: bool) -> str:
    """Turn TeX that latex2mathml renders wrongly into TeX that it renders right."""
    tex = _ENVIRONMENT_EDGE.sub(_rename_environment, tex)
    tex = _OPERATORNAME.sub(lambda match: _operatorname(tex, match), tex)
    if display:
        tex = _LIMITS_UNDER.sub(r"\1\\limits", tex)
    tex = _COMMAND.sub(lambda match: _COMMANDS[match[0]], tex)
    tex = _MATHRM_LETTER.sub(r"\\mathrm {\1}", tex)
    tex = _BAR.sub(lambda match: match[0] if match[1] else "\\|" if match[2] == "V" else "|", tex)
    return _TEXT.sub(lambda match: _TEXT_ESCAPE.sub(lambda escape: _TEXT_ESCAPES[escape[0]], match[0]), tex)


def _rename_environment(match: re.Match[str]) -> str:
    edge, name = match.groups()
    if name in _STRETCHED_BARS:
        bar = _STRETCHED_BARS[name]
        return f"\\left{bar}\\begin{{matrix}}" if edge == "begin" else f"\\end{{matrix}}\\right{bar}"
    return f"\\{edge}{{{_ENVIRONMENTS.get(name, name)}}}"


def _operatorname(tex: str, match: re.Match[str]) -> str:
    r"""latex2mathml reads operator names of letters only; anything else shows a literal * and italic letters.

    ``arg\,max`` and ``arg\,min`` become latex2mathml's ``\argmax`` and ``\argmin``
    ("arg max" with a thin space), with ``\nolimits`` when the author did not ask for limits.
    """
    star, name, script = match.groups()
    if re.fullmatch(r"[A-Za-z ]*[A-Za-z][A-Za-z ]*", name):
        return f"\\operatorname{star}{{{name}}}"
    arg = _ARG_MAX.fullmatch(name.strip())
    if arg:
        return f"\\arg{arg[1]}" + ("" if star or not script else "\\nolimits")
    raise MathError(
        tex,
        f"\\operatorname{star}{{{name}}}: an operator name is letters only "
        "(for arg max write \\operatorname*{arg\\,max})",
    )


# ---------------------------------------------------------------------------------------------------------------------
# 3. Output that still shows TeX as text, and styles browsers ignore

_RAW_AMPERSAND = re.compile(r"&(?!#x[0-9A-Fa-f]+;|amp;|lt;|gt;)")
_STRAY_BRACE = re.compile(r"<m[io]>([{}])</m[io]>")
_BACKSLASH_TEXT = re.compile(r"<(m[a-z]+)\b[^>]*>([^<]*\\[^<]*)</\1>")
# A bare <mo /> is what latex2mathml leaves of an \operatorname it could not read.
_BROKEN_OPERATOR = re.compile(r"<mo />(<mo>&#x0002A;</mo>)?")


def _check_mathml(tex: str, mathml: str) -> None:
    """Refuse latex2mathml output that shows TeX syntax as text or that browsers would not show right."""
    if _RAW_AMPERSAND.search(mathml):
        raise MathError(tex, "a literal & shown as text: write \\& for an ampersand")
    if 'linebreak="newline"' in mathml:
        raise MathError(tex, "a line break \\\\ that browsers ignore: " + _GATHERED)
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
_OPERATOR_IDENTIFIER = re.compile(r"<mi>(&#x000B1;|&#x029F5;|&#x027F9;|&#x027FA;|&#x027C2;|&#x02AAF;)</mi>")
# \bigl\{, \bigl\lVert, \Bigr\rangle ...: latex2mathml copies a delimiter given as a command
# into the sized <mo> as it is, backslash and all; its own symbol table knows the character.
_SIZED_DELIMITER = re.compile(r'(<mo [^>]*maxsize="[^"]*">)(\\(?:[A-Za-z]+|[{}|]))</mo>')


def _fix_mathml(mathml: str) -> str:
    """Write what latex2mathml leaves to MathML features browsers lack the way MathML Core asks for.

    Styled letters become Unicode letters, operators written as identifiers become operators,
    and delimiters of ``\\big`` and friends become their characters.
    """
    mathml = _SIZED_DELIMITER.sub(_sized_delimiter, mathml)
    mathml = _VARIANT_TOKEN.sub(_unicode_variant, mathml)
    mathml = _VARIANT_TEXT.sub(lambda match: f'<mtext style="{_TEXT_STYLES.get(match[1], "")}">', mathml)
    return _OPERATOR_IDENTIFIER.sub(r"<mo>\1</mo>", mathml)


def _sized_delimiter(match: re.Match[str]) -> str:
    code = convert_symbol(match[2])
    return match[0] if code is None else f"{match[1]}&#x{code};</mo>"  # an unknown one is refused by _check_mathml


def _unicode_variant(match: re.Match[str]) -> str:
    tag, before, variant, after, text = match.groups()
    if variant == "normal":
        return match[0]  # the one value MathML Core keeps
    styled = [_styled(char, variant) for char in html.unescape(text)]
    if None in styled:
        return match[0]  # no styled form in Unicode: the attribute still works in Firefox
    return f"<{tag}{before}{after}>{''.join(f'&#x{ord(char):05X};' for char in styled)}</{tag}>"


@functools.cache
def _styled(char: str, variant: str) -> str | None:
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


# ---------------------------------------------------------------------------------------------------------------------
# Public functions


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """Convert one formula to ``<math>``; raises `MathError` when it cannot come out right.

    The ``alttext`` keeps the source as written, for screen readers and for copying.
    """
    _check_tex(tex, display)
    rewritten = _rewrite_tex(tex, display)
    try:
        mathml = convert(rewritten, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises a family of its own exceptions
        reason = type(error).__name__
        reason = re.sub(r"(?<!^)(?=[A-Z])", " ", reason).lower().removesuffix(" error")
        detail = str(error).strip()
        raise MathError(tex, reason + (f" ({detail})" if detail else "")) from None
    mathml = _fix_mathml(mathml)
    _check_mathml(tex, mathml)
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex.strip(), quote=True)}" ', 1)


_TAG = re.compile(r"\\tag(?![A-Za-z])\s*(\*?)\s*(?:\{([^{}]*)\})?")


def split_tag(tex: str) -> tuple[str, str | None]:
    r"""Take the ``\tag`` out of a display formula: the TeX without it, and the number as shown.

    ``\tag{3a}`` is shown "(3a)" and ``\tag*{A}`` as "A", as in LaTeX; None when there is
    no tag. Code that numbers labelled equations asks this first: a tagged equation keeps
    its tag, and its references show the tag.
    """
    tags = list(_TAG.finditer(tex))
    if not tags:
        return tex, None
    if len(tags) > 1:
        raise MathError(tex, "more than one \\tag: a display equation has one number")
    tag = tags[0]
    star, text = tag.groups()
    if text is None:
        raise MathError(tex, "write the tag in braces: \\tag{1}")
    if re.search(r"[\\$]", text) or not text.strip():
        raise MathError(tex, f"\\tag{{{text}}}: the tag is plain text, such as \\tag{{2}} or \\tag{{A.1}}")
    opened = tex[: tag.start()]
    if len(re.findall(r"\\begin\b", opened)) != len(re.findall(r"\\end\b", opened)):
        raise MathError(tex, "\\tag inside an environment: put one \\tag after \\end{...}, for the whole equation")
    return tex[: tag.start()] + tex[tag.end() :], text.strip() if star else f"({text.strip()})"


def render_display(tex: str, number: str | None = None, *, anchor: str | None = None) -> str:
    r"""The HTML of a display equation: ``<div class="math-display">`` around its ``<math>``.

    With a number ("1", shown "(1)") or a ``\tag`` in the TeX, the number follows the
    ``<math>`` in ``<span class="equation-number">`` and the div also has the class
    ``math-numbered``: MathML Core has no ``<mlabeledtr>``, so the site's CSS sets the number
    at the right (a grid of three columns: an empty one, the formula, the number, so that
    the formula stays centred). `anchor` becomes the div's id, for links to the equation.
    A tagged equation given a number as well is an error: call `split_tag` first.
    """
    body, tag = split_tag(tex)
    if tag is not None and number is not None:
        raise MathError(tex, f"the equation has both \\tag and the number {number}")
    shown = tag if tag is not None else None if number is None else f"({number})"
    try:
        mathml = to_mathml(body, True)
    except MathError as error:
        raise MathError(tex, error.reason) from None  # the hook finds the formula by the source as written
    id_attribute = "" if anchor is None else f' id="{html.escape(anchor, quote=True)}"'
    if shown is None:
        return f'<div class="math-display"{id_attribute}>{mathml}</div>'
    return (
        f'<div class="math-display math-numbered"{id_attribute}>{mathml}'
        f'<span class="equation-number">{html.escape(shown)}</span></div>'
    )


# `explaining_machines.xref` numbers a labelled equation by writing " \tag{1}\label{eq-x}" at the
# end of its TeX: the label becomes the equation's id, and is no part of the formula.
_LABEL = re.compile(r" ?(?:\\tag\{[^{}]*\})?\\label\{(?P<name>[\w-]+)\}")


def render_math(page_html: str) -> str:
    """Replace arithmatex's generic output in a page with MathML."""

    def block(match: re.Match[str]) -> str:
        tex = html.unescape(match["tex"])
        label = _LABEL.search(tex)
        if label is None:
            return render_display(tex)
        try:
            return render_display(tex.replace(f"\\label{{{label['name']}}}", ""), anchor=label["name"])
        except MathError as error:  # name the formula as the author wrote it, without the number added
            raise MathError(tex[: label.start()] + tex[label.end() :], error.reason) from None

    def inline(match: re.Match[str]) -> str:
        return to_mathml(html.unescape(match["tex"]), False)

    return _INLINE.sub(inline, _BLOCK.sub(block, page_html))


class _MathMLPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, on_error: Callable[[MathError], None] | None) -> None:
        super().__init__(md)
        self.on_error = on_error

    def run(self, text: str) -> str:
        try:
            return render_math(text)
        except MathError as error:
            if self.on_error is not None:
                self.on_error(error)  # may raise an error that says where the formula is
            raise


class MathMLExtension(Extension):
    """Python-Markdown extension: run `render_math` on every converted document.

    `on_error` is called with each `MathError` before it propagates, so that the
    caller can raise its own error naming the page and line.
    """

    def __init__(self, on_error: Callable[[MathError], None] | None = None) -> None:
        super().__init__()
        self.on_error = on_error

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # Below raw-HTML restoration (priority 30), so the final HTML is what we see.
        md.postprocessors.register(_MathMLPostprocessor(md, self.on_error), "mathml", 5)
