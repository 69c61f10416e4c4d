"""Resolve citations with pybtex and append a References section to each page that cites.

Events:

* ``on_page_markdown`` finds ``{% cite %}`` and ``[@key]`` citations outside code
  (`citations`), loads the page's bibliographies (`bibliography`), replaces each
  citation with numbered or author-year links, and adds the reference list, either
  where the page writes ``{% bibliography %}`` or at its end. Running on the
  Markdown keeps the References heading in the table of contents, and Material's
  blog excerpts see the finished links.
* ``on_post_build`` forgets which .bib problems were logged (`mkdocs serve` keeps
  this module loaded). Parsed .bib files are kept on purpose: they stay cached (by
  content) across ``mkdocs serve`` rebuilds.

Every error names the page and line; an unknown key fails any build, strict or not.
A problem in a .bib file (`bibliography.Problem`: a syntax error, a duplicate key or
field, a field the style needs) is a warning naming the .bib file and line, logged
once per build, and the entries are used as well as they can be.
"""

from __future__ import annotations

import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.pages import Page

from explaining_machines import bibliography, citations, frontmatter

log = get_plugin_logger("citations")
_warned: set[bibliography.Problem] = set()  # this build's .bib problems, each logged once


def _warn(problems: list[bibliography.Problem]) -> None:
    for problem in problems:
        if problem not in _warned:
            _warned.add(problem)
            log.warning(str(problem))


def on_post_build(**_) -> None:
    _warned.clear()


def _display(path: Path, root: Path) -> str:
    return os.path.relpath(path, root)


def _bib_paths(page: Page, config: MkDocsConfig, root: Path) -> list[tuple[Path, str]]:
    """The page's bibliography files, each found beside the page or at the project root."""
    settings = config.extra["project"].citations
    declared = page.meta.get("bibliography", list(settings.bibliography))
    source = Path(page.file.abs_src_path)
    where = _display(source, root)
    line = frontmatter.key_line(page.file.content_string, "bibliography")
    if isinstance(declared, str):
        declared = [declared]
    if not isinstance(declared, list) or not all(isinstance(p, str) and p for p in declared):
        raise PluginError(f"{where}:{line or 1}: 'bibliography' must be a path or a list of paths")
    found = []
    for name in declared:
        candidates = [source.parent / name, root / name]
        path = next((p for p in candidates if p.is_file()), None)
        if path is None:
            at = f"{where}:{line}" if line else where
            raise PluginError(
                f"{at}: bibliography file '{name}' not found (looked beside the page and in the project root)"
            )
        found.append((path.resolve(), _display(path, root)))
    return found


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, **_) -> str:
    root = config.extra["project"].root
    where = _display(Path(page.file.abs_src_path), root) if page.file.abs_src_path else page.file.src_uri
    first_line = frontmatter.body_first_line(page.file.content_string)
    try:
        found = citations.find_citations(markdown, first_line)
    except citations.CitationError as error:
        raise PluginError(f"{where}:{error.line}: {error.message}") from None
    if not found:
        return markdown

    try:
        files = [bibliography.load(path, shown) for path, shown in _bib_paths(page, config, root)]
    except bibliography.BibliographyError as error:
        raise PluginError(str(error)) from None
    library = bibliography.Library(files)
    _warn(library.problems)
    for citation in found:
        for item in citation.items:
            if item.key not in library.entries:
                message = citations.unknown_key_message(item.key, sorted(library.entries), library.sources)
                raise PluginError(f"{where}:{citation.line}: {message}")

    settings = config.extra["project"].citations
    author_year = settings.labels == "author-year"
    cited = [item.key for citation in found for item in citation.items]
    refs, problems = bibliography.format_references(cited, library, style=settings.style, author_year=author_year)
    _warn(problems)
    rendered = citations.render_citations(markdown, found, refs, author_year=author_year)
    section = citations.render_reference_list(rendered, settings.heading, numbered=not author_year)
    return citations.place_reference_list(rendered.markdown, section)
