"""Page-level checks and metadata: front matter, table of contents, Open Graph tags.

Events:

* ``on_files`` (before Material's blog reads its posts) rejects front matter that is
  not valid YAML, which MkDocs would silently show as text, and blog posts whose
  date, authors, tags or categories Material would reject without a line number,
  naming the file and line.
* ``on_page_markdown`` (first) HTML-escapes the front-matter tags, and honours
  ``toc: false`` by hiding Material's table of contents.
* ``on_page_content`` (last, after the RSS plugin took the plain text) escapes the
  title and description: Material's templates print all three as they are.
* ``on_post_page`` adds Open Graph and Twitter card tags built from the page's
  title and description, HTML-escaped, so shared links get a proper preview.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import yaml
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

import frontmatter


@event_priority(100)  # before Material's blog (priority -50) reads the posts
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = Path(config.config_file_path).resolve().parent
    posts_dir, authors = _blog(config)
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None:
            continue
        raw = file.content_string
        where = os.path.relpath(file.abs_src_path, root)
        try:
            meta = frontmatter.check(raw)
            if posts_dir is not None and file.src_uri.startswith(posts_dir):
                frontmatter.check_post(raw, meta, authors)
        except frontmatter.FrontMatterError as error:
            raise PluginError(f"{where}:{error.line}: {error.message}") from None
        toc = meta.get("toc", True)
        if not isinstance(toc, bool):
            raise PluginError(f"{where}:{frontmatter.key_line(raw, 'toc')}: 'toc' must be true or false, got {toc!r}")
    return files


def _posts_dir(config: MkDocsConfig) -> str | None:
    """The posts folder of Material's blog, as a src_uri prefix (None: no blog)."""
    blog = config.plugins.get("material/blog")
    if blog is None or not blog.config.enabled:
        return None
    return blog.config.post_dir.format(blog=blog.config.blog_dir.strip("/")).strip("/") + "/"


def _blog(config: MkDocsConfig) -> tuple[str | None, set[str] | None]:
    """The posts folder of Material's blog and the known author keys (None: not checked)."""
    posts_dir = _posts_dir(config)
    blog = config.plugins.get("material/blog")
    if posts_dir is None or not blog.config.authors:
        return posts_dir, None
    path = Path(config.docs_dir) / blog.config.authors_file.format(blog=blog.config.blog_dir.strip("/"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError:
        return posts_dir, set()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise PluginError(f"{path}:{mark.line + 1 if mark else 1}: invalid YAML in the authors file") from None
    return posts_dir, set((data.get("authors") or {}) if isinstance(data, dict) else {})


# Front-matter values that Material's templates print without escaping (MkDocs' Jinja
# environment has autoescape off): <title>, <meta name="description">, the header, tags.
_PRINTED_RAW = ("title", "description")
_originals: dict[str, dict[str, str]] = {}


@event_priority(100)  # before the tags plugin stores the page's tags
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    """Escape the tags before Material's tags plugin keeps them; honour ``toc: false``."""
    if isinstance(page.meta.get("tags"), list):
        page.meta["tags"] = [html.escape(tag, quote=True) if isinstance(tag, str) else tag for tag in page.meta["tags"]]
    if page.meta.get("toc", True) is False:
        hidden = page.meta.setdefault("hide", [])
        if "toc" not in hidden:
            hidden.append("toc")
    return markdown


@event_priority(-80)  # after the RSS plugin (-75), which escapes for XML itself, took the plain text
def on_page_content(output: str, page: Page, config: MkDocsConfig, **_) -> str:
    """Escape the title and description once, for every template that prints them."""
    originals = _originals.setdefault(page.file.src_uri, {})
    for key in _PRINTED_RAW:
        value = page.meta.get(key)
        if isinstance(value, str):
            originals[key] = value
            page.meta[key] = html.escape(value, quote=True)
    return output


def open_graph_tags(page: Page, config: MkDocsConfig) -> str:
    """The <meta> tags describing `page` to link previews, every value escaped."""
    original = _originals.get(page.file.src_uri, {})
    title = original.get("title") or html.unescape(page.title or "") or config.site_name
    description = original.get("description") or config.site_description or ""
    posts_dir = _posts_dir(config)
    is_post = posts_dir is not None and page.file.src_uri.startswith(posts_dir)
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


def on_post_build(config: MkDocsConfig) -> None:
    _originals.clear()  # `mkdocs serve` keeps this module loaded between builds
