"""Root-absolute paths in pages are relative to the site's root, also under a sub-path.

Events: ``on_page_content`` rewrites every root-absolute ``href``, ``src`` and ``srcset``
in a page's HTML (from Markdown and raw HTML alike) into a path relative to the page
(`explaining_machines.urls`), so that ``/assets/x.png`` in a post pasted from another
site works wherever this site is served. The link check then verifies the target.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from explaining_machines import urls


def on_page_content(output: str, page: Page, config: MkDocsConfig, **_) -> str:
    base = urlsplit(config.site_url or "/").path or "/"
    return urls.rewrite(output, page.url, base if base.endswith("/") else base + "/")
