"""How to cite a post: its formatted reference, its BibTeX entry and the tags Google Scholar reads.

Every post ends with a short "Cite this post" section: the reference (authors, year,
title, the site, the URL), the BibTeX entry in a code block (Material adds a copy
button to it) and a link to the same entry as a ``.bib`` file. Its ``<head>`` carries
the Highwire Press tags that Google Scholar and Zotero read: ``citation_title``, one
``citation_author`` per author, ``citation_publication_date``, the site as
``citation_journal_title`` and ``citation_publisher``, ``citation_fulltext_html_url``,
and one ``citation_reference`` per entry the post cites. Imports nothing from MkDocs.
"""

from __future__ import annotations

import datetime
import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Post:
    """What a citation of a post needs to know about it."""

    title: str
    authors: Sequence[str]  # display names, as the authors file writes them
    date: datetime.date
    url: str  # absolute, from site_url
    site: str  # the site's name
    slug: str
    cited: Sequence[Sequence[tuple[str, str]]] = field(default_factory=tuple)  # each reference's scholar pairs


def key(post: Post) -> str:
    """A BibTeX key for the post: the site's initials, the year and the slug, ASCII only."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", _ascii(post.site))).lower() or "site"
    slug = re.sub(r"[^a-z0-9]+", "", _ascii(post.slug).lower()) or "post"
    return f"{initials}{post.date.year}{slug}"


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _bibtex_text(text: str) -> str:
    """Text safe inside a BibTeX field: the characters TeX treats specially are escaped."""
    # Braces as commands: BibTeX counts a \\{ as a brace, so a lone one would end the field.
    special = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "%": r"\%",
               "&": r"\&", "$": r"\$", "#": r"\#",
               "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}  # fmt: skip
    return "".join(special.get(c, c) for c in text)


def _bibtex_name(name: str) -> str:
    """An author's display name, whole and in braces: BibTeX then never mistakes a word of
    "The editors" or "Maria de la Cruz" for a given name or a family name."""
    return "{" + _bibtex_text(name) + "}"


def bibtex(post: Post) -> str:
    """The post's BibTeX entry (``@misc``, which every BibTeX style knows)."""
    authors = " and ".join(_bibtex_name(name) for name in post.authors) or "{" + _bibtex_text(post.site) + "}"
    fields = [
        ("author", authors),
        ("title", "{" + _bibtex_text(post.title) + "}"),  # double braces keep the title's capitals
        ("howpublished", _bibtex_text(post.site)),
        ("year", str(post.date.year)),
        ("month", post.date.strftime("%b").lower()),
        ("url", post.url),
        ("note", "Blog post, " + post.date.isoformat()),
    ]
    body = ",\n".join(f"  {name:<12} = {{{value}}}" for name, value in fields)
    return f"@misc{{{key(post)},\n{body}\n}}\n"


def reference(post: Post) -> str:
    """The formatted reference, as HTML: "The editors (2024). *Title*. Site. URL"."""
    who = _names(post.authors) or post.site
    return (
        f"{html.escape(who)} ({post.date.year}). <em>{html.escape(post.title)}</em>. "
        f'{html.escape(post.site)}. <a href="{html.escape(post.url)}">{html.escape(post.url)}</a>'
    )


def _names(authors: Sequence[str]) -> str:
    if len(authors) <= 2:
        return " and ".join(authors)
    return ", ".join(authors[:-1]) + ", and " + authors[-1]


def section(post: Post, bib_url: str, heading: str = "Cite this post") -> str:
    """The Markdown of the "Cite this post" section, with a link to the ``.bib`` file at `bib_url`."""
    filename = f"{key(post)}.bib"
    return (
        f'## {heading} {{ #cite-this-post }}\n\n<p class="cite-this-post">{reference(post)}</p>\n\n'
        f"```bibtex\n{bibtex(post)}```\n\n"
        f'[Download the BibTeX entry]({bib_url}){{ download="{filename}" .cite-download }}\n'
    )


def scholar_tags(post: Post) -> list[tuple[str, str]]:
    """The Google Scholar / Zotero ``<meta name content>`` pairs of a post, in their usual order."""
    tags = [("citation_title", post.title)]
    tags += [("citation_author", name) for name in post.authors]
    tags += [
        ("citation_publication_date", post.date.strftime("%Y/%m/%d")),
        ("citation_journal_title", post.site),
        ("citation_publisher", post.site),
        ("citation_fulltext_html_url", post.url),
    ]
    for cited in post.cited:
        parts = [f"citation_{name}={_scholar_value(value)}" for name, value in cited if value]
        tags.append(("citation_reference", "; ".join(parts)))
    return tags


def _scholar_value(value: str) -> str:
    """A value inside a ``citation_reference`` string, whose fields ``;`` separates."""
    return " ".join(value.replace(";", ",").split())


def meta_lines(tags: list[tuple[str, str]]) -> list[str]:
    return [f'<meta name="{name}" content="{html.escape(value, quote=True)}">' for name, value in tags]
