"""Page-level checks and metadata: front matter, table of contents, Open Graph tags.

Events:

* ``on_page_markdown`` (early) rejects front matter that is not valid YAML, which
  MkDocs would silently show as text, naming the file and line; it honours
  ``toc: false`` in front matter by hiding Material's table of contents.
* ``on_post_page`` adds Open Graph and Twitter card tags built from the page's
  title and description, HTML-escaped, so shared links get a proper preview.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page

import frontmatter


@event_priority(100)
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    if page.file.abs_src_path is None:
        return markdown
    root = Path(config.config_file_path).resolve().parent
    where = os.path.relpath(page.file.abs_src_path, root)
    try:
        meta = frontmatter.check(page.file.content_string)
    except frontmatter.FrontMatterError as error:
        raise PluginError(f"{where}:{error.line}: {error.message}") from None
    toc = meta.get("toc", True)
    if not isinstance(toc, bool):
        line = frontmatter.key_line(page.file.content_string, "toc")
        raise PluginError(f"{where}:{line}: 'toc' must be true or false, got {toc!r}")
    if not toc:
        hidden = page.meta.setdefault("hide", [])
        if "toc" not in hidden:
            hidden.append("toc")
    return markdown


def open_graph_tags(page: Page, config: MkDocsConfig) -> str:
    """The <meta> tags describing `page` to link previews, every value escaped."""
    title = page.meta.get("title") or page.title or config.site_name
    description = page.meta.get("description") or config.site_description or ""
    is_post = page.file.src_uri.startswith("blog/posts/")
    tags = {
        "og:type": "article" if is_post else "website",
        "og:site_name": config.site_name,
        "og:title": str(title),
        "og:description": " ".join(str(description).split()),
        "og:url": page.canonical_url or "",
        "og:locale": "en_US",
        "twitter:card": "summary",
    }
    if is_post and page.meta.get("date"):
        date = page.meta["date"]
        created = date.get("created") if isinstance(date, dict) else date
        tags["article:published_time"] = str(created)
    lines = []
    for name, value in tags.items():
        if not value:
            continue
        attr = "name" if name.startswith("twitter:") else "property"
        lines.append(f'<meta {attr}="{name}" content="{html.escape(value, quote=True)}">')
    return "\n    ".join(lines)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return output.replace("</head>", f"    {open_graph_tags(page, config)}\n  </head>", 1)
