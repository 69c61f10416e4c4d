"""Citations, cross-references, reference lists, the site-wide References page, "Cite this post".

The work is `explaining_machines.citations.apparatus.Apparatus`; this hook hands it MkDocs' pages.

Events:

* ``on_files`` (after Material's blog has given each post its URL, priority -50) reads
  every Markdown page once and checks its tags, labels, citations and references: what
  the build cannot go on with fails with page and line, every problem of a .bib file is
  a warning, once per build. It then adds each post's ``.bib`` file and the site-wide
  References page with ``File.generated``, and drops .bib files from the pages folder,
  which are sources, not pages.
* ``on_page_markdown`` (after the figures hook has rendered the figure tags) numbers
  figures, equations and tables, replaces citations and references with links, puts the
  reference list where ``{% bibliography %}`` stands (else at the end), adds "Cite this
  post" to posts and removes the ``{% raw %}`` markers. Working on the Markdown keeps the
  headings in the table of contents, and Material's blog excerpts see the finished links.
* ``on_page_content`` reads each figure's caption as its page shows it (values filled in,
  citations rendered), and ``on_post_page`` puts it in the title of every reference from
  another page (`citations.tooltips`), then adds the Google Scholar tags to each post's
  ``<head>``.
* ``on_serve`` watches every .bib file the pages read outside the docs folder (the root
  ``references.bib`` above all), and each build adds those new since: an edit of a
  bibliography rebuilds the site as an edit of a page does.
* ``on_post_build`` saves the pages' renderings (a memo in the cache folder: a warm build
  renders only the pages whose inputs changed) and drops the build's state; parsed .bib
  files stay memoised by content.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from material.plugins.blog.structure import Post
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from explaining_machines.citations import citepost, tooltips
from explaining_machines.citations.apparatus import Apparatus, rendering_memo
from explaining_machines.errors import SourceError
from explaining_machines.source import frontmatter

log = get_plugin_logger("citations")
_apparatus: Apparatus | None = None
_captions = tooltips.Captions()  # this build's figure captions, for references from other pages
_server = None  # mkdocs serve's server, once it runs: each build watches the .bib files new to it
_watched: set[Path] = set()  # the .bib files outside the docs folder that the pages read


@event_priority(-60)  # after Material's blog (-50) has set each post's URL
def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _apparatus
    settings = config.extra["project"]
    store = rendering_memo(settings.cache_path / "memo" / "citations.json")
    problem = store.load()
    if problem:  # not the author's to fix: the pages are rendered again
        log.info("%s %s", store.path, problem)
    apparatus = _apparatus = Apparatus(settings, log.log, store)
    blog = config.plugins.get("material/blog")
    if blog is not None:
        apparatus.excerpt_separator = blog.config.post_excerpt_separator
    for file in [f for f in files if f.src_uri.endswith(".bib")]:
        files.remove(file)  # a bibliography is read by the build, not published
    # Material's blog marks its posts as excluded from the build's own pages: it renders them
    # itself, those it publishes (its drafts only under `mkdocs serve`, by default).
    published = _published_posts(config)
    sources = [
        f for f in files
        if f.src_uri.endswith(".md") and f.abs_src_path and (f.inclusion.is_included() or f.src_uri in published)
    ]  # fmt: skip
    try:
        for file in sources:
            apparatus.read(file.src_uri, Path(file.abs_src_path), file.content_string, file.name)
        apparatus.check()
    except SourceError as error:
        raise PluginError(str(error)) from None
    docs = Path(config.docs_dir).resolve()
    new = {path for path in apparatus.bib_files() if not path.is_relative_to(docs)} - _watched
    _watched.update(new)
    if _server is not None:
        for path in sorted(new):
            _server.watch(str(path))
    authors = _authors(config)
    for file in sources:
        if file.src_uri in published:
            path, text = apparatus.add_post(file.src_uri, _post(file, apparatus, config, authors), file.dest_uri)
            files.append(File.generated(config, path, content=text))
    site_page = settings.citations.site_page
    if site_page and files.get_file_from_path(site_page) is None:
        urls = {uri: files.get_file_from_path(uri).url for uri in apparatus.pages}
        page = File.generated(config, site_page, content="")
        page.content_string = apparatus.site_page(page.url, urls)
        files.append(page)
    return files


def _published_posts(config: MkDocsConfig) -> set[str]:
    """The posts Material's blogs publish in this build: not their drafts (Material's
    ``_is_excluded``), which would otherwise reach the References page and get a
    "Cite this post" file of their own."""
    return {
        post.file.src_uri
        for name, plugin in config.plugins.items()
        if name.split("#")[0] == "material/blog" and getattr(plugin, "blog", None) is not None
        for post in plugin.blog.posts
    }


def _authors(config: MkDocsConfig) -> dict[str, str]:
    """Author keys of Material's blog and their display names (the front-matter hook reports
    an authors file it cannot read)."""
    blog = config.plugins.get("material/blog")
    if blog is None or not blog.config.authors:
        return {}
    path = frontmatter.authors_path(config.docs_dir, blog.config.blog_dir, blog.config.authors_file)
    try:
        return frontmatter.authors(path)
    except frontmatter.FrontMatterError:
        return {}


def _post(file: File, apparatus: Apparatus, config: MkDocsConfig, authors: dict[str, str]) -> citepost.Post:
    """What a reader needs to cite a post of Material's blog."""
    post: Post = file.page
    created = post.config.date.created
    return citepost.Post(
        title=post.title or apparatus.pages[file.src_uri].labels.title,
        authors=[authors.get(key, key) for key in post.config.authors],
        date=created.date() if isinstance(created, datetime.datetime) else created,
        url=(config.site_url or "/") + file.url,
        site=config.site_name,
        slug=post.config.slug or Path(file.src_uri).stem,
    )


def on_serve(server, config: MkDocsConfig, builder, **_):
    global _server
    _server = server
    for path in sorted(_watched):
        server.watch(str(path))
    return server


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return markdown if _apparatus is None else _apparatus.render(page.file.src_uri, markdown)


def on_page_content(html: str, page: Page, **_) -> str:
    _captions.read(html)
    return html


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    output = _captions.fill(output)
    return output if _apparatus is None else _apparatus.head(page.file.src_uri, output)


def on_post_build(config: MkDocsConfig) -> None:
    global _apparatus, _captions
    apparatus, _apparatus = _apparatus, None  # mkdocs serve keeps this module: the next build starts afresh
    _captions = tooltips.Captions()
    if apparatus is not None and apparatus.store is not None:
        try:
            apparatus.store.save()
        except OSError as error:  # the next build renders every page again; the site is right
            log.info("%s: not saved (%s)", apparatus.store.path, error.strerror or error)


def on_build_error(error: Exception, **_) -> None:
    global _apparatus, _captions
    _apparatus, _captions = None, tooltips.Captions()  # a failed build's renderings are not kept
