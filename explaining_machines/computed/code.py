"""Source code shown on the provenance pages, highlighted once and never read as Markdown.

A provenance page (`explaining_machines.computed.provenance`) shows the code of the module
that computed its step. Its Markdown holds only a placeholder (`code_placeholder`), an
HTML comment that `CodeExtension` replaces with the highlighted code once the page is
HTML: the code is never read as Markdown, a citation, a tag or math. Highlighting is the
costly part, so it is done once per source: `highlighted_python` is memoised in the
process, and a build passes the highlighting its memo kept (`code_placeholder`'s
`highlighted`), so a warm build highlights nothing. Imports nothing from MkDocs.
"""

from __future__ import annotations

import functools
import hashlib
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from pygments import highlight
from pygments.filter import Filter
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import Name, Text, Whitespace

# The source, and its highlighting when a memo had it, by the digest its placeholder carries.
_CODE: dict[str, tuple[str, str | None]] = {}
_PLACEHOLDER = re.compile(r"<!-- highlighted-python ([0-9a-f]{16}) -->")


def code_placeholder(source: str, highlighted: str | None = None) -> str:
    """An HTML comment that `CodeExtension` replaces with `source`, highlighted (`highlighted`,
    if the caller has it already), once the page is HTML."""
    digest = hashlib.sha256(source.encode()).hexdigest()[:16]
    if highlighted is not None or digest not in _CODE:
        _CODE[digest] = (source, highlighted)
    return f"<!-- highlighted-python {digest} -->"


class _PlainNames(Filter):
    """Plain names and white space as text: Material draws them in the code's own colour, so
    their ``<span class="n">`` and ``<span class="w">`` change nothing a reader sees, and
    they are a quarter of the highlighted HTML."""

    def filter(self, lexer, stream):
        for kind, value in stream:
            yield (Text if kind in (Name, Whitespace) else kind), value


@functools.lru_cache(maxsize=64)
def highlighted_python(source: str) -> str:
    """`source` as a highlighted code block, in the markup pymdownx.highlight writes (Material
    styles it and gives it a copy button)."""
    lexer = PythonLexer()
    lexer.add_filter(_PlainNames())
    spans = highlight(source, lexer, HtmlFormatter(nowrap=True))
    return f'<div class="language-python highlight"><pre><span></span><code>{spans}</code></pre></div>'


def _code(match: re.Match[str]) -> str:
    if match[1] not in _CODE:
        return match[0]
    source, highlighted = _CODE[match[1]]
    return highlighted if highlighted is not None else highlighted_python(source)


class _CodePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        if "<!-- highlighted-python " not in text:
            return text
        return _PLACEHOLDER.sub(_code, text)


class CodeExtension(Extension):
    """Python-Markdown extension: put the code of each `code_placeholder` in its place."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # Below raw-HTML restoration (priority 30), which brings the comment back.
        md.postprocessors.register(_CodePostprocessor(md), "highlighted-python", 6)
