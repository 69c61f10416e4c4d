"""The figures' one error base: every failure the figures report to an author is a `FigureError`.

Each module names its own kind (`figures.cache.CacheError`, `figures.data.DataError`,
`figures.model.SelectionError`, `figures.recipes.RecipeError`, ...), and each derives
from `FigureError`, so that a caller (the MkDocs hook, the command line) catches every
one of them with one name and shows its message as it is: the message already says
which file, step or setting and why.

Part of the cache's machinery in the sense of `figures.keys.INFRASTRUCTURE`: an error
class shapes no result, so editing this module changes no cache key.
"""

from __future__ import annotations


class FigureError(Exception):
    """A figure, step or setting cannot be produced; the message says which and why."""
