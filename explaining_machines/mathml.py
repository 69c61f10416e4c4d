"""Render TeX to MathML at build time, so pages show math with no script and no other host.

pymdownx.arithmatex (generic mode) finds ``$...$`` and ``$$...$$`` outside code and
leaves ``<span class="arithmatex">\\(...\\)</span>`` and ``<div class="arithmatex">\\[...\\]</div>``.
`MathMLExtension` adds a Python-Markdown postprocessor that turns those into MathML with
latex2mathml. Being part of the Markdown pipeline, it also renders math in blog
excerpts, which MkDocs' page events never see. Every current browser displays MathML.

TeX that latex2mathml cannot render raises `MathError`. latex2mathml passes unknown
commands and stray braces through as text, so those are caught here too.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from latex2mathml.converter import convert
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

_INLINE = re.compile(r'<span class="arithmatex">\\\((?P<tex>.*?)\\\)</span>', re.DOTALL)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(?P<tex>.*?)\\\]</div>', re.DOTALL)
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")
_STRAY_BRACE = re.compile(r"<m[io]>([{}])</m[io]>")


class MathError(ValueError):
    """TeX that cannot be rendered; `tex` is the source as the author wrote it."""

    def __init__(self, tex: str, reason: str) -> None:
        super().__init__(f"cannot render LaTeX {tex.strip()!r}: {reason}")
        self.tex = tex
        self.reason = reason


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """Convert one formula; raises `MathError` when it is not valid TeX math."""
    try:
        mathml = convert(tex, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises a family of its own exceptions
        reason = type(error).__name__
        reason = re.sub(r"(?<!^)(?=[A-Z])", " ", reason).lower().removesuffix(" error")
        detail = str(error).strip()
        raise MathError(tex, reason + (f" ({detail})" if detail else "")) from None
    unknown = _UNKNOWN_COMMAND.search(mathml)
    if unknown:
        raise MathError(tex, f"unknown command {unknown.group(1)}")
    if _STRAY_BRACE.search(mathml):
        raise MathError(tex, "unbalanced braces")
    # alttext keeps the source for screen readers and for copying.
    return mathml.replace("<math ", f'<math alttext="{html.escape(tex.strip(), quote=True)}" ', 1)


def render_math(page_html: str) -> str:
    """Replace arithmatex's generic output in a page with MathML."""

    def block(match: re.Match[str]) -> str:
        return f'<div class="math-display">{to_mathml(html.unescape(match["tex"]), True)}</div>'

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
