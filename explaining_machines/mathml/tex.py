"""TeX checked and rewritten before latex2mathml sees it.

latex2mathml renders some TeX silently wrong: it passes unknown commands, stray braces
and ``&`` through as text, writes ``\\\\`` as a line break that MathML Core (Chromium)
ignores, and knows ``align*`` but not ``aligned``. So `check_tex` refuses TeX that cannot
come out right (unknown environments, ``&`` or ``\\\\`` outside one, table rules), with a
reason that says what to write instead, and `rewrite_tex` turns TeX that latex2mathml
gets wrong into TeX it gets right (``aligned`` into its ``align*``, ``gather`` into
``displaylines``, limits under ``\\operatorname*`` in display math, ...).
"""

from __future__ import annotations

import re


class MathError(ValueError):
    """TeX that cannot be rendered; `tex` is the source as the author wrote it."""

    def __init__(self, tex: str, reason: str) -> None:
        super().__init__(f"cannot render LaTeX '{tex.strip()}': {reason}")  # as written: no doubled backslashes
        self.tex = tex
        self.reason = reason


# ---------------------------------------------------------------------------------------------------------------------
# TeX that cannot come out right

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
GATHERED = "put the rows in \\begin{gathered} a \\\\ b \\end{gathered} (or aligned, to align them at &)"
TEXT_COMMAND = r"\\(?:text(?:bf|it|md|normal|rm|sf|tt|up)?|mbox|hbox)\s*\{[^{}]*\}"
_TEX_TOKEN = re.compile(
    r"\\(?P<edge>begin|end)\s*\{(?P<env>[^{}]*)\}(?P<spec>\s*\{[^{}]*\})?"
    rf"|{TEXT_COMMAND}"  # shown as text: & and \\ in it are not TeX's
    r"|(?P<substack>\\substack\s*\{)"
    r"|(?P<tag>\\tag(?![A-Za-z]))"
    r"|(?P<rule>\\h(?:dash)?line(?![A-Za-z]))"
    r"|(?P<newline>\\\\)"
    r"|\\[A-Za-z]+|\\."
    r"|(?P<amp>&)|(?P<open>\{)|(?P<close>\})"
)


def check_tex(tex: str, display: bool) -> None:
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
        return "a line break \\\\ outside an environment, which browsers ignore: " + GATHERED
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
# TeX that latex2mathml gets wrong, rewritten into TeX it gets right

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
_TEXT = re.compile(TEXT_COMMAND)
# latex2mathml copies text into <mtext> and then unescapes its own output, so text must
# arrive as HTML; TeX's escapes become the characters they stand for.
_TEXT_ESCAPES = {"\\&": "&amp;", "\\%": "%", "\\$": "&#x00024;", "\\#": "#", "\\_": "_", "<": "&lt;", ">": "&gt;"}
_TEXT_ESCAPE = re.compile(r"\\[&%$#_]|[<>]")


def rewrite_tex(tex: str, display: bool) -> str:
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
