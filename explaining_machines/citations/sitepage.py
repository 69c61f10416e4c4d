"""The site-wide References page: every entry cited anywhere, with links back to where.

Each entry is formatted in the site's style and followed by a link to every post that
cites it, pointing at the place of the first citation in that post, so a reader can
find every post that builds on a paper. Imports nothing from MkDocs.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from explaining_machines.citations import Reference, anchor_id


@dataclass(frozen=True)
class Citing:
    """A page that cites an entry: its title and the URL of its first citation of it."""

    title: str
    url: str  # relative to the References page


@dataclass(frozen=True)
class SiteEntry:
    reference: Reference
    citing: Sequence[Citing]


def page(entries: Sequence[SiteEntry], title: str = "References") -> str:
    """The Markdown of the References page: a heading, a line of explanation and the list."""
    if not entries:
        return f"# {title}\n\nNo post cites anything yet.\n"
    rows = []
    for entry in entries:
        links = ", ".join(f'<a href="{html.escape(c.url)}">{html.escape(c.title)}</a>' for c in entry.citing)
        cited = f'<span class="cited-in">Cited in {links}.</span>' if links else ""
        rows.append(f'<li id="{anchor_id(entry.reference.key)}">{entry.reference.html} {cited}</li>')
    count = len(entries)
    return (
        f"# {title}\n\n"
        f"Every work cited on this site ({count} {'entry' if count == 1 else 'entries'}), each with the posts "
        "that cite it.\n\n"
        '<ul class="references site-references">\n' + "\n".join(rows) + "\n</ul>\n"
    )
