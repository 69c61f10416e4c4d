"""Formulas to MathML, display equations with their numbers, and the Markdown extension.

`to_mathml` converts one formula (checked, rewritten, converted, corrected);
`render_display` shows a display equation with its number (a ``\\tag`` or the number a
cross-reference gave it); `render_math` replaces arithmatex's generic output in a page;
`MathMLExtension` runs it on every document Python-Markdown converts, blog excerpts included.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from latex2mathml.converter import convert
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from explaining_machines.mathml.output import check_mathml, fix_mathml
from explaining_machines.mathml.tex import MathError, check_tex, rewrite_tex
from explaining_machines.source import mdscan

_INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)


# ---------------------------------------------------------------------------------------------------------------------
# Public functions


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """Convert one formula to ``<math>``; raises `MathError` when it cannot come out right.

    The ``alttext`` keeps the source as written, for screen readers and for copying.
    """
    check_tex(tex, display)
    rewritten = rewrite_tex(tex, display)
    try:
        mathml = convert(rewritten, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises a family of its own exceptions
        reason = type(error).__name__
        reason = re.sub(r"(?<!^)(?=[A-Z])", " ", reason).lower().removesuffix(" error")
        detail = str(error).strip()
        raise MathError(tex, reason + (f" ({detail})" if detail else "")) from None
    mathml = fix_mathml(mathml)
    check_mathml(tex, mathml)
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex.strip(), quote=True)}" ', 1)


def formula_line(markdown: str, tex: str, first_line: int = 1) -> int | None:
    """The line of `markdown` (whose first line is `first_line`) on which the formula `tex`
    starts, outside code; None when it cannot be found (a formula the build wrote itself).

    The formula is looked for by its lines as written: one inside a list or a blockquote is
    indented there, and the same TeX in a code block is not it.
    """
    lines = [line.strip() for line in tex.splitlines() if line.strip()] or [tex]
    found = [m.start() for m in mdscan.finditer_outside_code(re.compile(re.escape(lines[0])), markdown)]
    # Of the places its first line stands, the one whose next lines are the formula's (two
    # equations may open alike: \begin{aligned}); else the first.
    at = next((at for at in found if _continues(markdown, at, lines)), found[0] if found else None)
    return None if at is None else first_line + markdown.count("\n", 0, at)


def _continues(markdown: str, at: int, lines: list[str]) -> bool:
    """Whether the lines of `markdown` from offset `at` begin with `lines` (indentation, quote
    marks and a closing ``$$`` aside)."""
    written = [line.strip().lstrip(">").strip() for line in markdown[at:].splitlines()]
    written = [line for line in written if line][: len(lines)]
    expected = [line.lstrip(">").strip() for line in lines]
    return len(written) == len(expected) and all(w.startswith(e) for w, e in zip(written, expected, strict=True))


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


# `explaining_machines.citations.xref` numbers a labelled equation by writing " \tag{1}\label{eq-x}" at the
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
