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

1. `tex.check_tex` refuses TeX that cannot come out right (unknown environments, ``&`` or
   ``\\\\`` outside one, table rules), with a reason that says what to write instead;
2. `tex.rewrite_tex` turns TeX that latex2mathml gets wrong into TeX it gets right
   (``aligned`` into its ``align*``, ``gather`` into ``displaylines``, limits under
   ``\\operatorname*`` in display math, ...);
3. `output.check_mathml` refuses output that still shows TeX as text, and `output.fix_mathml`
   replaces ``mathvariant`` by the styled Unicode letters MathML Core asks for.

Anything that still fails raises `MathError`, which the hook turns into ``file:line``.
`render.render_display` shows a display equation with its number, for ``\\tag`` and for the
cross-references that number labelled equations.

Imports nothing from MkDocs.
"""

from explaining_machines.mathml.render import (
    MathMLExtension,
    formula_line,
    render_display,
    render_math,
    split_tag,
    to_mathml,
)
from explaining_machines.mathml.tex import MathError

__all__ = ["MathError", "MathMLExtension", "formula_line", "render_display", "render_math", "split_tag", "to_mathml"]
