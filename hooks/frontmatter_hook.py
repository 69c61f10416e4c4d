"""Front matter checked before anyone reads it, and ``toc: false``.

Events:

* ``on_files`` (before Material's blog, priority -50, reads its posts) rejects front
  matter that is not valid YAML, which MkDocs would silently show as text, and blog
  posts whose date, authors, tags or categories Material would reject without a line
  number, naming the file and line (`explaining_machines.source.frontmatter`). A page
  that passed with the same text and authors in the last build is not parsed again.
* ``on_page_markdown`` (first, priority 100: the lines are the file's) checks each
  ``--8<--`` snippet's file and section (`explaining_machines.source.snippets`): a missing
  one is an error with the page's line, not pymdownx's traceback. It also honours
  ``toc: false`` by hiding Material's table of contents.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from explaining_machines.errors import located
from explaining_machines.source import frontmatter, snippets

log = get_plugin_logger("frontmatter")


@event_priority(100)  # before Material's blog (priority -50) reads the posts
def on_files(files: Files, config: MkDocsConfig) -> Files:
    settings = config.extra["project"]
    posts_dir, authors = _blog(config)
    store = frontmatter.checking_memo(settings.cache_path / "memo" / "frontmatter.json")
    if problem := store.load():
        log.info("%s %s", store.path, problem)
    for file in files.documentation_pages():
        if not file.src_uri.endswith(".md") or file.abs_src_path is None:
            continue
        raw = file.content_string
        where = settings.shown(file.abs_src_path)
        try:
            frontmatter.checked(raw, posts_dir is not None and file.src_uri.startswith(posts_dir), authors, store)
        except frontmatter.FrontMatterError as error:
            raise PluginError(str(located(where, error))) from None
    try:
        store.save()
    except OSError as error:  # checked again next time; nothing is wrong
        log.info("%s: not saved (%s)", store.path, error.strerror or error)
    return files


def _blog(config: MkDocsConfig) -> tuple[str | None, set[str] | None]:
    """The posts folder of Material's blog (a src_uri prefix) and its author keys; None: not checked."""
    blog = config.plugins.get("material/blog")
    if blog is None or not blog.config.enabled:
        return None, None
    blog_dir = blog.config.blog_dir.strip("/")
    posts_dir = blog.config.post_dir.format(blog=blog_dir).strip("/") + "/"
    if not blog.config.authors:
        return posts_dir, None
    path = frontmatter.authors_path(config.docs_dir, blog_dir, blog.config.authors_file)
    try:
        return posts_dir, set(frontmatter.authors(path))
    except frontmatter.FrontMatterError as error:
        raise PluginError(str(located(str(path), error))) from None


@event_priority(100)  # before any hook changes the page's lines
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    options = config.mdx_configs.get("pymdownx.snippets")
    if options is not None and "8<-" in markdown:
        try:
            snippets.Includes(options).check(markdown, frontmatter.body_first_line(page.file.content_string))
        except snippets.SnippetError as error:
            where = config.extra["project"].shown(page.file.abs_src_path or page.file.src_uri)
            raise PluginError(str(located(where, error))) from None
    if page.meta.get("toc", True) is False:
        hidden = page.meta.setdefault("hide", [])
        if "toc" not in hidden:
            hidden.append("toc")
    return markdown
