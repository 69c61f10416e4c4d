"""Source code shown on the provenance pages, highlighted once and never read as Markdown.

A provenance step page (`explaining_machines.computed.provenance`) is HTML cut from the
section's index page, so the code it shows is never read as Markdown, a citation, a tag
or math. Highlighting is the costly part, so it is done once per source: `highlighted_python`
is memoised in the process, and `computed.making` keeps its results between builds, so a
warm build highlights nothing. Imports nothing from MkDocs.
"""

from __future__ import annotations

import functools

from pygments import highlight
from pygments.filter import Filter
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer
from pygments.token import Name, Text, Whitespace


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
