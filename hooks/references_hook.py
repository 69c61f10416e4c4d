"""Citations, cross-references, reference lists, the site-wide References page, "Cite this post".

Events:

* ``on_files`` (after Material's blog has given each post its URL, priority -50) reads
  every Markdown page once: a ``{% tag %}`` the build does not know fails with page,
  line and the known tags; the page's labels are numbered (`explaining_machines.xref`);
  its bibliography files are loaded (`explaining_machines.bibliography`, parsed once
  per content) and every citation and cross-reference is checked: an unknown key or
  label fails with page, line and a did-you-mean, a near miss of a key is a warning, and
  every problem of a .bib file is a warning, once per build. It then adds the
  site-wide References page and each post's ``.bib`` file with ``File.generated``, and
  drops .bib files from the pages folder, which are sources, not pages.
* ``on_page_markdown`` (after the figures hook has rendered the figure tags) numbers
  figures, equations and tables, replaces citations and references with links, puts the
  reference list where ``{% bibliography %}`` stands (else at the end), adds "Cite this
  post" to posts and removes the ``{% raw %}`` markers. Working on the Markdown keeps the
  headings in the table of contents, and Material's blog excerpts see the finished links.
* ``on_post_page`` adds the Google Scholar tags to each post's ``<head>``.
* ``on_post_build`` drops the build's state; parsed .bib files stay memoised by content.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from material.plugins.blog.structure import Post
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from explaining_machines import bibliography, citations, citepost, frontmatter, headmeta, mdscan, sitebib, xref
from explaining_machines.settings import ProjectSettings

log = get_plugin_logger("citations")
KNOWN_TAGS = ("bibliography", "cite", "endraw", "figure", "raw", "value")
XREF_PREFIXES = tuple(f"{kind}-" for kind in xref.KINDS)


@dataclass
class _Page:
    """What the build knows of one Markdown page after reading it in ``on_files``."""

    where: str  # the source path as messages show it: docs/blog/posts/x.md
    first_line: int
    library: bibliography.Library | None
    labels: xref.PageLabels
    cited: list[str] = field(default_factory=list)  # bibliography keys, in order of first citation
    post: citepost.Post | None = None
    bib_file: str | None = None  # where the post's .bib file is published


@dataclass
class _Build:
    settings: ProjectSettings
    pages: dict[str, _Page] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)  # problems already logged this build


_build: _Build | None = None


def _warn_once(build: _Build, message: str, about: str | None = None, level: int = logging.WARNING) -> None:
    """Log a warning once per build: a problem of an entry cited by several pages is one problem."""
    about = about or message
    if about not in build.reported:
        build.reported.add(about)
        log.log(level, message)


def _bib_problem(build: _Build, message: str, about: str | None = None) -> None:
    """A problem of a .bib file, once per build, at the level `citations.bib_problems` sets."""
    level = logging.INFO if build.settings.citations.bib_problems == "info" else logging.WARNING
    _warn_once(build, message, about, level)


@event_priority(-60)  # after Material's blog (-50) has set each post's URL
def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _build
    settings: ProjectSettings = config.extra["project"]
    build = _build = _Build(settings)
    root = settings.root
    for file in [f for f in files if f.src_uri.endswith(".bib")]:
        files.remove(file)  # a bibliography is read by the build, not published
    # Material's blog marks its posts as excluded from the build's own pages: it renders them itself.
    sources = [
        f for f in files
        if f.src_uri.endswith(".md") and f.abs_src_path and (f.inclusion.is_included() or isinstance(f.page, Post))
    ]  # fmt: skip
    for file in sources:
        build.pages[file.src_uri] = _read(file, settings, root)
    pages = {uri: page.labels for uri, page in build.pages.items()}
    for file in sources:
        _check_citations(file, build, pages)
    authors = _authors(config)
    for file in sources:
        if isinstance(file.page, Post):
            _add_post(file, build.pages[file.src_uri], config, files, authors)
    if settings.citations.site_page:
        site_page = settings.citations.site_page
        if files.get_file_from_path(site_page) is None:
            urls = {uri: files.get_file_from_path(uri).url for uri in build.pages}
            files.append(File.generated(config, site_page, content=_site_references(build, site_page, urls)))
    return files


def _read(file: File, settings: ProjectSettings, root: Path) -> _Page:
    """Read one page: its tags (unknown ones fail), its labels, and its bibliography if it cites."""
    raw = file.content_string
    where = os.path.relpath(file.abs_src_path, root)
    first = frontmatter.body_first_line(raw)
    body = "".join(raw.splitlines(keepends=True)[first - 1 :])
    lines = mdscan.LineIndex(body, first)
    try:
        for tag in mdscan.scan(body).tags:
            if tag.name == "endraw":  # the one that ends a {% raw %} is part of it, never a tag
                raise PluginError(
                    f"{where}:{lines.line(tag.start)}: '{{% endraw %}}' without a '{{% raw %}}' before it"
                )
            if tag.name not in KNOWN_TAGS:
                known = ", ".join(name for name in KNOWN_TAGS if name != "endraw")
                raise PluginError(
                    f"{where}:{lines.line(tag.start)}: unknown tag '{{% {tag.name} %}}' (known tags: {known}); "
                    "to show a tag as text, put it between {% raw %} and {% endraw %} or in backticks"
                )
        citations.check_bibliography_markers(body, first)
        labels = xref.find_labels(body, first)
    except mdscan.ScanError as error:
        raise PluginError(f"{where}:{lines.line(error.offset)}: {error.message}") from None
    except (xref.XrefError, citations.CitationError) as error:
        raise PluginError(f"{where}:{error.line}: {error.message}") from None
    meta = frontmatter.check(raw)
    heading = _first_heading(body)
    title = meta.get("title") if isinstance(meta.get("title"), str) else xref.plain(heading) if heading else file.name
    library = None
    if "@" in body or "{%" in body:
        library = _library(file, meta, raw, settings, where, root)
    page_labels = xref.PageLabels(file.src_uri, title, {label.name: label for label in labels})
    return _Page(where, first, library, page_labels)


def _first_heading(body: str) -> str | None:
    match = re.search(r"^#[ \t]+(.+?)[ \t#]*$", body, re.MULTILINE)
    return match[1] if match else None


def _library(file: File, meta: dict, raw: str, settings: ProjectSettings, where: str, root: Path):
    """The page's bibliography: its own ``bibliography:`` (beside the page or at the root), else the site's."""
    declared = meta.get("bibliography", list(settings.citations.bibliography))
    line = frontmatter.key_line(raw, "bibliography")
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list) or not all(isinstance(p, str) and p for p in declared):
        raise PluginError(f"{where}:{line or 1}: 'bibliography' must be a path or a list of paths")
    source = Path(file.abs_src_path)
    found = []
    for name in declared:
        path = next((p for p in (source.parent / name, root / name) if p.is_file()), None)
        if path is None:
            at = f"{where}:{line}" if line else where
            raise PluginError(
                f"{at}: bibliography file '{name}' not found (looked beside the page and in the project root)"
            )
        try:
            found.append(bibliography.load(path.resolve(), os.path.relpath(path, root)))
        except bibliography.BibliographyError as error:
            raise PluginError(str(error)) from None
    return bibliography.Library(found)


def _check_citations(file: File, build: _Build, pages: dict[str, xref.PageLabels]) -> None:
    """Every citation and reference of a page resolves, or the build fails naming its line."""
    page = build.pages[file.src_uri]
    if page.library is None:
        return
    for problem in page.library.problems:
        _bib_problem(build, str(problem))
    raw = file.content_string
    body = "".join(raw.splitlines(keepends=True)[page.first_line - 1 :])
    keys = _known(page, pages)
    try:
        found = citations.find_citations(body, page.first_line, keys)
        for citation in found:
            for item in citation.items:
                if item.key.startswith(XREF_PREFIXES):
                    xref.resolve(item.key, file.src_uri, pages, citation.line)
                elif item.key not in page.library.entries:
                    message = citations.unknown_key_message(item.key, sorted(page.library.entries),
                                                            page.library.sources)  # fmt: skip
                    raise citations.CitationError(citation.line, message)
                elif item.key not in page.cited:
                    page.cited.append(item.key)
    except (citations.CitationError, xref.XrefError) as error:
        raise PluginError(f"{page.where}:{error.line}: {error.message}") from None
    for miss in citations.near_misses(body, page.first_line, sorted(page.library.entries)):
        _warn_once(build, f"{page.where}:{miss.line}: '@{miss.word}' is no citation key; did you mean "
                          f"'@{miss.key}'? (write \\@{miss.word} for the text itself)")  # fmt: skip


def _known(page: _Page, pages: dict[str, xref.PageLabels]):
    """Whether a word after @ is something this page can cite or refer to. A word that starts
    like a label (fig-, eq-, tbl-) always is: an unknown one must fail, not stay text."""
    entries = page.library.entries if page.library is not None else {}
    return lambda key: key in entries or key.startswith(XREF_PREFIXES)


def _authors(config: MkDocsConfig) -> dict[str, str]:
    """Author keys of Material's blog and their display names."""
    blog = config.plugins.get("material/blog")
    if blog is None or not blog.config.authors:
        return {}
    path = Path(config.docs_dir) / blog.config.authors_file.format(blog=blog.config.blog_dir.strip("/"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}  # the front-matter hook reports an unreadable authors file
    authors = data.get("authors") or {}
    return {key: str((value or {}).get("name", key)) for key, value in authors.items()}


def _add_post(file: File, page: _Page, config: MkDocsConfig, files: Files, authors: dict[str, str]) -> None:
    """A post's citation: its metadata, and its BibTeX entry as a file beside the post."""
    post: Post = file.page
    created = post.config.date.created
    date = created.date() if isinstance(created, datetime.datetime) else created
    page.post = citepost.Post(
        title=post.title or page.labels.title,
        authors=[authors.get(key, key) for key in post.config.authors],
        date=date,
        url=(config.site_url or "/") + file.url,
        site=config.site_name,
        slug=post.config.slug or Path(file.src_uri).stem,
    )
    # Beside the post's page, named from its destination: its URL is percent-encoded.
    page.bib_file = posixpath.join(posixpath.dirname(file.dest_uri), f"{citepost.key(page.post)}.bib")
    files.append(File.generated(config, page.bib_file, content=citepost.bibtex(page.post)))


def _site_references(build: _Build, site_page: str, urls: dict[str, str]) -> str:
    """The References page: every cited entry, formatted in the site's style, with its citing pages."""
    citing: dict[str, list[tuple[str, _Page]]] = {}
    for uri, page in build.pages.items():
        for key in page.cited:
            citing.setdefault(key, []).append((uri, page))
    if not citing:
        return sitebib.page([])
    first = {key: pages[0][1].library for key, pages in citing.items()}
    library = bibliography.Library([bib for lib in dict.fromkeys(first.values()) for bib in lib.files])
    style = build.settings.citations
    refs, problems = bibliography.format_references(list(citing), library, style=style.style, author_year=True)
    for problem in problems:  # logged before any page is rendered, so it names the pages that cite the entry
        where = [page.where for _, page in citing.get(problem.key or "", [])]
        _bib_problem(build, f"{problem}{_cited_in(where)}", about=str(problem))
    here = _page_url(site_page)
    entries = []
    for key, ref in refs.items():
        links = [sitebib.Citing(page.labels.title, _relative(urls[uri], here) + f"#{_cite_id(uri, key)}")
                 for uri, page in citing[key]]  # fmt: skip
        entries.append(sitebib.SiteEntry(ref, links))
    return sitebib.page(entries)


def _cited_in(pages: list[str]) -> str:
    """`` (cited in docs/a.md)``, `` (cited in docs/a.md and 2 other pages)``, or nothing."""
    if not pages:
        return ""
    more = len(pages) - 1
    return f" (cited in {pages[0]}" + (f" and {more} other page{'s' * (more > 1)})" if more else ")")


def _page_url(src_uri: str) -> str:
    """The directory URL MkDocs gives a page (``references.md`` is served as ``references/``)."""
    stem = src_uri.removesuffix(".md")
    return "" if stem == "index" else (stem.removesuffix("/index") + "/")


def _relative(url: str, here: str) -> str:
    """A site URL (``blog/x/``) as a link from the page at `here`."""
    relative = os.path.relpath(url or ".", here or ".").replace(os.sep, "/")
    return relative + "/" if url.endswith("/") and not relative.endswith("/") else relative


def _page_token(src_uri: str) -> str:
    """A short, readable token of a page for the ids of its citations (unique across excerpts)."""
    return re.sub(r"[^\w-]", "-", Path(src_uri).stem)


def _cite_id(src_uri: str, key: str) -> str:
    return f"cite-{_page_token(src_uri)}-{citations.anchor_id(key)[4:]}-1"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build
    info = build.pages.get(page.file.src_uri) if build is not None else None
    if info is None:
        return markdown
    markdown = xref.number_page(markdown, info.first_line, info.labels.labels)
    markdown = _cite(markdown, page, info, build)
    if info.post is not None:
        url = os.path.relpath(info.bib_file, os.path.dirname(page.file.src_uri) or ".")  # as Markdown links go
        markdown = markdown.rstrip("\n") + "\n\n" + citepost.section(info.post, url) + "\n"
    return mdscan.strip_raw_markers(citations.unescape_at(markdown))


def _cite(markdown: str, page: Page, info: _Page, build: _Build) -> str:
    """Citations and cross-references as links, and the reference list."""
    if info.library is None:
        return markdown
    pages = {uri: p.labels for uri, p in build.pages.items()}
    found = citations.find_citations(markdown, info.first_line, _known(info, pages))
    targets = {}
    for citation in found:
        for item in citation.items:
            if item.key.startswith(XREF_PREFIXES) and item.key not in targets:
                holder, label = xref.resolve(item.key, page.file.src_uri, pages, citation.line)
                text, url = xref.reference_text(page.file.src_uri, holder, label)
                targets[item.key] = citations.Target(text, url, label.caption, label.number)
    settings = build.settings.citations
    author_year = settings.labels == "author-year"
    cited = [item.key for c in found for item in c.items if item.key not in targets]
    refs: dict[str, citations.Reference] = {}
    if cited:
        refs, problems = bibliography.format_references(cited, info.library, style=settings.style,
                                                        author_year=author_year)  # fmt: skip
        for problem in problems:
            _bib_problem(build, f"{problem}{_cited_in([info.where])}", about=str(problem))
    rendered = citations.render_citations(
        markdown, found, refs, author_year=author_year, targets=targets, page_token=_page_token(page.file.src_uri)
    )
    if not rendered.references:
        return citations.remove_bibliography_markers(rendered.markdown)
    if info.post is not None:
        cited = [ref.scholar or (("title", ref.text),) for ref in rendered.references]
        info.post = dataclasses.replace(info.post, cited=cited)
    section = citations.render_reference_list(rendered, settings.heading, numbered=not author_year)
    return citations.place_reference_list(rendered.markdown, section)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    info = _build.pages.get(page.file.src_uri) if _build is not None else None
    if info is None or info.post is None:
        return output
    return headmeta.insert_into_head(output, citepost.meta_lines(citepost.scholar_tags(info.post)))


def on_post_build(config: MkDocsConfig) -> None:
    global _build
    _build = None
