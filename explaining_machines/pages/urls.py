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


def relative_to_page(url: str, page_url: str, base: str = "/") -> str:
    """A root-absolute `url` ("/a/b.png") as seen from the page at `page_url` ("blog/post/"), for a
    site served at the path `base` ("/" or "/explaining-machines/")."""
    if not url.startswith("/") or url.startswith("//"):
        return url
    if base != "/" and (url + "/").startswith(base):
        url = "/" + url[len(base) :]
    path, hash_, fragment = url[1:].partition("#")
    path, question, query = path.partition("?")
    base = posixpath.dirname(page_url) if not page_url.endswith("/") else page_url.rstrip("/")
    relative = posixpath.relpath(path or ".", base or ".")
    if (not path or path.endswith("/")) and not relative.endswith("/"):
        relative += "/"
    return relative + question + query + hash_ + fragment


def rewrite(page_html: str, page_url: str, base: str = "/") -> str:
    """`page_html` with every root-absolute URL in href, src and srcset made relative to the page."""

    def attribute(match: re.Match[str]) -> str:
        value = match["value"]
        if match["name"].lower().startswith("srcset"):
            candidates = [c.strip().split(maxsplit=1) for c in value.split(",") if c.strip()]
            value = ", ".join(" ".join([relative_to_page(c[0], page_url, base), *c[1:]]) for c in candidates)
        else:
            value = relative_to_page(value, page_url, base)
        return f"{match['name']}{match['quote']}{value}{match['quote']}"

    if '="/' not in page_html and "='/" not in page_html:
        return page_html
    # Only attributes of real tags: text that shows src="/x" (in code or prose) stays as written.
    return _TAG.sub(lambda tag: _ATTRIBUTE.sub(attribute, tag.group()), page_html)
