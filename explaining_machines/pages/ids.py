"""Unique ids on pages that show several posts at once.

The blog's index, archive and category pages show the excerpts of many posts. Two posts
may both label an equation ``eq-main``, or both hold a References heading: on such a page
the same id would stand twice, which HTML forbids and which makes ``#eq-main`` ambiguous.
Links inside an excerpt point at the post itself, so the page's own copies of these ids
are never targets: the second one becomes ``eq-main-2``, the third ``eq-main-3``.
Imports nothing from MkDocs.
"""

from __future__ import annotations

import re

_ID = re.compile(r"""(?P<before>\sid=)(?P<quote>["'])(?P<id>[^"']+)(?P=quote)""")


def make_unique(page_html: str) -> str:
    """`page_html` with every repeated id numbered from its second occurrence on."""
    seen: dict[str, int] = {}
    taken = {match["id"] for match in _ID.finditer(page_html)}

    def rename(match: re.Match[str]) -> str:
        name = match["id"]
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 1:
            return match.group()
        n = seen[name]
        while f"{name}-{n}" in taken:
            n += 1
        taken.add(f"{name}-{n}")
        return f"{match['before']}{match['quote']}{name}-{n}{match['quote']}"

    return _ID.sub(rename, page_html)
