"""Root-absolute paths in a page mean the root of this site, wherever the site is served.

An author who moves a post from another site writes ``<img src="/assets/images/x.png">``:
a path from the root of the site. Served under a sub-path (GitHub Pages serves a project
at ``/<repository>/``), the browser would look for it outside the site. Every
root-absolute ``href``, ``src`` and ``srcset`` URL in a page's content becomes a path
relative to the page, which works under any sub-path and from a local folder. A path
that already starts with the site's own sub-path (``/explaining-machines/x.png``) is
read from there. URLs with a scheme or a host (``https://``, ``//host``) are left
alone. Imports nothing from MkDocs.
"""

from __future__ import annotations

import posixpath
import re

_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ATTRIBUTE = re.compile(
    r"""(?P<name>\b(?:href|src|srcset|poster|data)\s*=\s*)(?P<quote>["'])(?P<value>.*?)(?P=quote)""",
    re.IGNORECASE | re.DOTALL,
)


_SPACE = " \t\n\r\f"


def srcset(value: str) -> list[tuple[str, str]]:
    """The candidates of a ``srcset`` value (``a.png 1x, b.png 2x``) as (URL, descriptors),
    read as the HTML standard says: a URL runs to the next whitespace (so a ``data:`` URL
    keeps its commas); commas that end it separate it from the next; else its descriptors
    run to a comma outside parentheses."""
    found, at, end = [], 0, len(value)
    while True:
        while at < end and (value[at] in _SPACE or value[at] == ","):
            at += 1
        if at == end:
            return found
        start = at
        while at < end and value[at] not in _SPACE:
            at += 1
        url, descriptors = value[start:at], ""
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth, described = 0, at
            while at < end and (value[at] != "," or depth):
                depth += {"(": 1, ")": -1 if depth else 0}.get(value[at], 0)
                at += 1
            descriptors = value[described:at].strip()
        if url:
            found.append((url, descriptors))


def relative(target: str, page: str) -> str:
    """The site (or source) path `target` as a link from the page at `page`.

    `page` is a file (``blog/posts/x.md``, ``references.html``), whose folder is its dirname,
    or a directory URL (``blog/x/``); a `target` that is a folder (``""``, ``blog/``) keeps
    its final slash. The one way every module makes a relative link.
    """
    folder = page if page.endswith("/") else posixpath.dirname(page)
    linked = posixpath.relpath(target or ".", folder or ".")
    if (not target or target.endswith("/")) and not linked.endswith("/"):
        linked += "/"
    return linked


def relative_to_page(url: str, page_url: str, base: str = "/") -> str:
    """A root-absolute `url` ("/a/b.png") as seen from the page at `page_url` ("blog/post/"), for a
    site served at the path `base` ("/" or "/explaining-machines/")."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    if base != "/" and (url + "/").startswith(base):
        url = "/" + url[len(base) :]
    path, hash_, fragment = url[1:].partition("#")
    path, question, query = path.partition("?")
    return relative(path, page_url) + question + query + hash_ + fragment


def _candidates(page_html: str) -> list[int]:
    """Where an attribute may hold a root-absolute URL: a quote before a slash, or a srcset
    (whose first candidate may be relative). Found with `str.find`: a regular expression
    tried at every character of a page took a second for a blog of 100 posts (10 MB of
    HTML), lowering each page a tenth of one."""
    found = []
    for mark in ('"/', "'/"):
        at = page_html.find(mark)
        while at >= 0:
            found.append(at)
            at = page_html.find(mark, at + 2)
    for mark in ("srcset", "SRCSET"):  # a srcset in mixed case the link check would report
        at = page_html.find(mark)
        while at >= 0:
            found.append(at)
            at = page_html.find(mark, at + 6)
    return sorted(found)


def rewrite(page_html: str, page_url: str, base: str = "/") -> str:
    """`page_html` with every root-absolute URL in href, src and srcset made relative to the page."""

    def attribute(match: re.Match[str]) -> str:
        value = match["value"]
        if match["name"].lower().startswith("srcset"):
            value = ", ".join(" ".join(filter(None, [relative_to_page(url, page_url, base), descriptors]))
                              for url, descriptors in srcset(value))  # fmt: skip
        else:
            value = relative_to_page(value, page_url, base)
        return f"{match['name']}{match['quote']}{value}{match['quote']}"

    if '="/' not in page_html and "='/" not in page_html:
        return page_html
    # Only attributes of real tags: text that shows src="/x" (in code or prose) stays as written.
    # The tags are found from the attributes that may need it, not by reading every tag of
    # the page: a post has thousands of tags and a handful of such links.
    pieces, last = [], 0
    for at in _candidates(page_html):
        if at < last:
            continue  # in the tag just rewritten
        start, end = page_html.rfind("<", last, at), page_html.find(">", at)
        if start < 0 or end < 0 or not _TAG.fullmatch(page_html, start, end + 1):
            continue
        pieces += [page_html[last:start], _ATTRIBUTE.sub(attribute, page_html[start : end + 1])]
        last = end + 1
    return "".join(pieces) + page_html[last:]
