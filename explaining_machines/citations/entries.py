"""What a citation points at: a formatted bibliography entry or a cross-reference target.

`Reference` is made by the bibliography (`explaining_machines.citations.bibtex`), `Target` by the
cross-references (`explaining_machines.citations.xref`); both are rendered by
`explaining_machines.citations.render`. `anchor_id` is the id of an entry in a reference list.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from explaining_machines.errors import close_matches


@dataclass(frozen=True)
class Reference:
    """A formatted bibliography entry: its label, its HTML and plain-text forms, and for in-text
    citations its authors' names and its year as labels show them ("Rudin", "2019")."""

    key: str
    label: str
    html: str
    text: str
    names: str = ""
    year: str = ""
    scholar: tuple[tuple[str, str], ...] = ()  # (citation_ field, value) pairs for Google Scholar


@dataclass(frozen=True)
class Target:
    """What a cross-reference points to: "Figure 2" at a URL, with a title for its tooltip."""

    text: str  # "Figure 2", or "Figure 2 in <em>Title</em>" (HTML-safe Markdown)
    url: str
    title: str
    number: str  # "2", shown alone for [-@fig-x]
    css: str = "crossref"


def unknown_key_message(key: str, known: list[str], sources: str) -> str:
    """The message for a key that no bibliography of the page defines."""
    close = close_matches(key, known, n=3)
    folded = [k for k in known if k.casefold() == key.casefold()]
    close = list(dict.fromkeys(folded + close))[:3]
    if close:
        return f"unknown citation key '{key}'; did you mean {' or '.join(repr(k) for k in close)}?"
    if sources == "no bibliography":
        return f"unknown citation key '{key}': the page's 'bibliography:' names no .bib file"
    return f"unknown citation key '{key}' (not in {sources})"


def anchor_id(key: str) -> str:
    """The HTML id of a key's reference entry: readable, and unique even for keys that differ
    only in punctuation (``smith:2019`` and ``smith-2019``), which get a short hash."""
    readable = re.sub(r"[^\w-]", "-", key)
    if readable == key:
        return "ref-" + key
    return f"ref-{readable}-{hashlib.sha256(key.encode()).hexdigest()[:6]}"
