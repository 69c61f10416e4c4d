"""Root-absolute paths in pages are relative to the site's root, also under a sub-path.

Events: ``on_post_page`` rewrites every root-absolute ``href``, ``src`` and ``srcset`` of
a finished page (from Markdown and raw HTML alike, and in the excerpts that Material's
blog shows on its index pages) into a path relative to the page
(`explaining_machines.pages.urls`), so that ``/assets/x.png`` in a post pasted from another
site works wherever this site is served. The 404 page is left alone: a host serves it
at any depth, which is why Material writes its links from the site's root. The link
check then verifies every target.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from explaining_machines.pages import urls


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if page.file.src_uri == "404.html" or page.url.startswith("404"):
        return output
    base = urlsplit(config.site_url or "/").path or "/"
    return urls.rewrite(output, page.url, base if base.endswith("/") else base + "/")
