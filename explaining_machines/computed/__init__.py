"""Computed content: the ``{% figure %}`` and ``{% value %}`` tags and the build's computed pages.

* `tags`: the tags read from Markdown and rendered (a figure with its light and dark
  images, caption and making-of block; a value as the number the cache recorded).
* `code`: the source a provenance page shows, highlighted once.
* `provenance`: one page per cache step version the site uses, and their index.
* `pages`: one build's computed content: the entries its pages need (computed by the
  `figures` package when missing), the files the site publishes, each page's tags rendered.

The names of `tags` are importable from here. Imports nothing from MkDocs.
"""

from explaining_machines.computed.code import highlighted_python
from explaining_machines.computed.tags import (
    PAGE_ARGUMENTS,
    Download,
    FigureTag,
    FigureView,
    TagError,
    ValueTag,
    find_figure_tags,
    find_value_tags,
    how_made,
    indent_of,
    render_figure,
    replace_figures,
    replace_values,
)

__all__ = [
    "PAGE_ARGUMENTS", "Download", "FigureTag", "FigureView", "TagError", "ValueTag",
    "find_figure_tags", "find_value_tags", "highlighted_python", "how_made", "indent_of",
    "render_figure", "replace_figures", "replace_values",
]  # fmt: skip
