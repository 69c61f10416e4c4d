"""The site's scholarly apparatus, as one build sees it: every page's citations and labels,
each post's own citation, and the site-wide References page.

A build reads every Markdown page once (`Apparatus.read`): a ``{% tag %}`` it does not
know fails with page, line and the known tags; the page's labels are numbered
(`explaining_machines.citations.xref`) and its bibliography files loaded (`bibliography`, parsed
once per content). `Apparatus.check` then resolves every citation and cross-reference of
every page, so that an unknown key or label fails before anything is rendered. Once the
pages are known, `Apparatus.add_post` gives a post its citation, `Apparatus.site_page`
writes the References page, `Apparatus.render` turns a page's citations and references
into links with their reference list, and `Apparatus.head` adds the Google Scholar tags.

Problems an author can live with (a field the style needs, a near miss of a key) go to
the `report` callable once per build, at the level ``citations.bib_problems`` sets for
.bib problems; a problem the build cannot go on with is a `SourceError` that names the
file and line. Imports nothing from MkDocs: `hooks/references_hook.py` wires it in.
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from explaining_machines import citations, memo
from explaining_machines.citations import bibtex, citepost, sitepage, xref
from explaining_machines.errors import SourceError, located
from explaining_machines.pages import head
from explaining_machines.pages.urls import relative
from explaining_machines.settings import ProjectSettings
from explaining_machines.source import frontmatter, mdscan

KNOWN_TAGS = ("bibliography", "cite", "endraw", "figure", "raw", "value")
XREF_PREFIXES = tuple(f"{kind}-" for kind in xref.KINDS)

Report = Callable[[int, str], None]  # (logging level, message)


@dataclass
class PageInfo:
    """What the build knows of one Markdown page after reading it."""

    where: str  # the source path as messages show it: docs/blog/posts/x.md
    first_line: int  # the line of the body, after the front matter
    body: str
    library: bibtex.Library | None
    labels: xref.PageLabels
    cited: list[str] = field(default_factory=list)  # bibliography keys, in order of first citation
    post: citepost.Post | None = None
    bib_file: str | None = None  # where the post's .bib file is published, site-relative


class Apparatus:
    """The citations and cross-references of one build's pages."""

    def __init__(self, settings: ProjectSettings, report: Report, store: memo.Memo | None = None) -> None:
        """`store` keeps each page's rendering between builds (`render`); without it, every page is rendered."""
        self.settings = settings
        self.pages: dict[str, PageInfo] = {}  # by source URI (``blog/posts/x.md``)
        self.store = store
        self._report = report
        self._reported: set[str] = set()
        self._recording: list[list[str]] | None = None  # the problems the page being rendered reports
        self._site_state: str | None = None

    # ------------------------------------------------------------------ reading and checking

    def read(self, src_uri: str, path: Path, raw: str, name: str | None = None) -> None:
        """Read one page: its tags (unknown ones fail), its labels, and its bibliography if it cites.

        Its title is the front matter's, else its first heading, else `name` (by default the
        file's stem)."""
        where = self.settings.shown(path)
        first, body = frontmatter.body(raw)
        lines = mdscan.LineIndex(body, first)
        try:
            for tag in mdscan.scan(body).tags:
                if tag.name == "endraw":  # the one that ends a {% raw %} is part of it, never a tag
                    raise SourceError(f"{where}:{lines.line(tag.start)}: '{{% endraw %}}' without a '{{% raw %}}' "
                                      "before it")  # fmt: skip
                if tag.name not in KNOWN_TAGS:
                    known = ", ".join(name for name in KNOWN_TAGS if name != "endraw")
                    raise SourceError(
                        f"{where}:{lines.line(tag.start)}: unknown tag '{{% {tag.name} %}}' (known tags: {known}); "
                        "to show a tag as text, put it between {% raw %} and {% endraw %} or in backticks"
                    )
            citations.check_bibliography_markers(body, first)
            labels = xref.find_labels(body, first)
        except mdscan.ScanError as error:
            raise located(where, error.at(lines)) from None
        except (xref.XrefError, citations.CitationError) as error:
            raise located(where, error) from None
        try:
            meta = frontmatter.check(raw)
        except frontmatter.FrontMatterError as error:
            raise located(where, error) from None
        heading = _first_heading(body)
        name = name or Path(src_uri).stem
        title = meta["title"] if isinstance(meta.get("title"), str) else xref.plain(heading) if heading else name
        library = None
        if "@" in body or "{%" in body:
            library = self._library(path, meta, raw, where)
        page_labels = xref.PageLabels(src_uri, title, {label.name: label for label in labels})
        self.pages[src_uri] = PageInfo(where, first, body, library, page_labels)

    def _library(self, path: Path, meta: dict, raw: str, where: str) -> bibtex.Library:
        """The page's bibliography: its own ``bibliography:`` (beside the page or at the root), else the site's."""
        root = self.settings.root
        declared = meta.get("bibliography", list(self.settings.citations.bibliography))
        line = frontmatter.key_line(raw, "bibliography")
        if isinstance(declared, str):
            declared = [declared]
        if not isinstance(declared, list) or not all(isinstance(p, str) and p for p in declared):
            raise SourceError(f"{where}:{line or 1}: 'bibliography' must be a path or a list of paths")
        found = []
        for name in declared:
            bib = next((p for p in (path.parent / name, root / name) if p.is_file()), None)
            if bib is None:
                at = f"{where}:{line}" if line else where
                raise SourceError(
                    f"{at}: bibliography file '{name}' not found (looked beside the page and in the project root)"
                )
            try:
                found.append(bibtex.load(bib.resolve(), self.settings.shown(bib)))
            except bibtex.BibliographyError as error:
                raise SourceError(str(error)) from None
        return bibtex.Library(found)

    def check(self) -> None:
        """Every citation and reference of every page resolves, or fail naming its line."""
        labels = self._labels()
        for src_uri, page in self.pages.items():
            if page.library is not None:
                self._check_page(src_uri, page, labels)

    def _check_page(self, src_uri: str, page: PageInfo, labels: dict[str, xref.PageLabels]) -> None:
        library = page.library
        for problem in library.problems:
            self._bib_problem(str(problem))
        try:
            for citation in citations.find_citations(page.body, page.first_line, self._known(page)):
                for item in citation.items:
                    if item.key.startswith(XREF_PREFIXES):
                        xref.resolve(item.key, src_uri, labels, citation.line)
                    elif item.key not in library.entries:
                        message = citations.unknown_key_message(item.key, sorted(library.entries), library.sources)
                        raise citations.CitationError(citation.line, message)
                    elif item.key not in page.cited:
                        page.cited.append(item.key)
        except (citations.CitationError, xref.XrefError) as error:
            raise located(page.where, error) from None
        for miss in citations.near_misses(page.body, page.first_line, sorted(library.entries)):
            self._once(logging.WARNING, f"{page.where}:{miss.line}: '@{miss.word}' is no citation key; did you "
                                        f"mean '@{miss.key}'? (write \\@{miss.word} for the text itself)")  # fmt: skip

    def _labels(self) -> dict[str, xref.PageLabels]:
        return {uri: page.labels for uri, page in self.pages.items()}

    @staticmethod
    def _known(page: PageInfo) -> Callable[[str], bool]:
        """Whether a word after @ is something this page can cite or refer to. A word that starts
        like a label (fig-, eq-, tbl-) always is: an unknown one must fail, not stay text."""
        entries = page.library.entries if page.library is not None else {}
        return lambda key: key in entries or key.startswith(XREF_PREFIXES)

    # ------------------------------------------------------------------ reporting

    def _once(self, level: int, message: str, about: str | None = None) -> None:
        """Report a problem once per build: a problem of an entry cited by several pages is one problem."""
        about = about or message
        if about not in self._reported:
            self._reported.add(about)
            self._report(level, message)

    def _bib_problem(self, message: str, about: str | None = None) -> None:
        """A problem of a .bib file, at the level `citations.bib_problems` sets."""
        if self._recording is not None:
            self._recording.append([message, about or message])
        level = logging.INFO if self.settings.citations.bib_problems == "info" else logging.WARNING
        self._once(level, message, about)

    # ------------------------------------------------------------------ what the build adds

    def add_post(self, src_uri: str, post: citepost.Post, dest_uri: str) -> tuple[str, str]:
        """Make the page at `src_uri` a citable post; returns the site path and text of its .bib file.

        The file lies beside the post's page (`dest_uri`), named from the post, whose URL is
        percent-encoded."""
        page = self.pages[src_uri]
        page.post = post
        page.bib_file = posixpath.join(posixpath.dirname(dest_uri), f"{citepost.key(post)}.bib")
        return page.bib_file, citepost.bibtex(post)

    def site_page(self, here: str, urls: Mapping[str, str]) -> str:
        """The References page, served at the site URL `here` (``references/``): every cited
        entry, formatted in the site's style, with links to every place that cites it. `urls`
        are the site URLs of the pages, by source URI."""
        citing: dict[str, list[tuple[str, PageInfo]]] = {}
        for uri, page in self.pages.items():
            for key in page.cited:
                citing.setdefault(key, []).append((uri, page))
        if not citing:
            return sitepage.page([])
        first = {key: pages[0][1].library for key, pages in citing.items()}
        library = bibtex.Library([bib for lib in dict.fromkeys(first.values()) for bib in lib.files])
        style = self.settings.citations
        refs, problems = bibtex.format_references(list(citing), library, style=style.style, author_year=True)
        for problem in problems:  # reported before any page is rendered, so it names the pages that cite the entry
            where = [page.where for _, page in citing.get(problem.key or "", [])]
            self._bib_problem(f"{problem}{_cited_in(where)}", about=str(problem))
        entries = []
        for key, ref in refs.items():
            links = [sitepage.Citing(page.labels.title, relative(urls[uri], here) + f"#{_cite_id(uri, key)}")
                     for uri, page in citing[key]]  # fmt: skip
            entries.append(sitepage.SiteEntry(ref, links))
        return sitepage.page(entries)

    def render(self, src_uri: str, markdown: str) -> str:
        """The page's Markdown with its labels numbered, its citations and references as links,
        its reference list, "Cite this post" for a post, and the ``{% raw %}`` markers removed.

        With a memo, a page rendered before from the same inputs (its Markdown, its labels and
        .bib files, the labels of every page, the post's citation, the settings, the code) is
        not rendered again: the result is taken, and the problems its rendering reported are
        reported again, so that a warm build warns as a cold one does.
        """
        page = self.pages.get(src_uri)
        if page is None:
            return markdown
        if self.store is None:
            return self._render(src_uri, page, markdown)
        key = self.store.key(src_uri, markdown, self._page_state(page), self._labels_state())
        kept = _kept(self.store.get(key))
        if kept is not None:
            rendered, problems, cited = kept
            for message, about in problems:
                self._bib_problem(message, about)
            if page.post is not None and cited is not None:
                page.post = dataclasses.replace(page.post, cited=cited)
            return rendered
        self.store.forget(key)
        self._recording = []
        try:
            rendered = self._render(src_uri, page, markdown)
            problems = self._recording
        finally:
            self._recording = None
        cited = [list(map(list, ref)) for ref in page.post.cited] if page.post is not None else None
        self.store.put(key, {"markdown": rendered, "problems": problems, "cited": cited})
        return rendered

    def _page_state(self, page: PageInfo) -> list:
        """What a page's rendering depends on besides its Markdown and the site's labels."""
        library = [[bib.display, bib.digest] for bib in page.library.files] if page.library is not None else None
        post = dataclasses.asdict(dataclasses.replace(page.post, cited=())) if page.post is not None else None
        labels = [dataclasses.asdict(label) for label in page.labels.labels.values()]
        return [page.where, page.first_line, labels, library, post, page.bib_file,
                dataclasses.asdict(self.settings.citations)]  # fmt: skip

    def _labels_state(self) -> str:
        """A digest of what a reference to any label of the site shows: its page, title, number and caption."""
        if self._site_state is None:
            self._site_state = memo.digest([
                [uri, labels.title, [[label.name, label.kind, label.number, label.caption]
                                     for label in labels.labels.values()]]
                for uri, labels in sorted(self._labels().items())
            ])  # fmt: skip
        return self._site_state

    def _render(self, src_uri: str, page: PageInfo, markdown: str) -> str:
        markdown = xref.number_page(markdown, page.first_line, page.labels.labels)
        markdown = self._cite(src_uri, page, markdown)
        if page.post is not None:
            url = relative(page.bib_file, src_uri)  # as Markdown links go
            markdown = markdown.rstrip("\n") + "\n\n" + citepost.section(page.post, url) + "\n"
        return mdscan.strip_raw_markers(citations.unescape_at(markdown))

    def _cite(self, src_uri: str, page: PageInfo, markdown: str) -> str:
        """Citations and cross-references as links, and the reference list."""
        if page.library is None:
            return markdown
        labels = self._labels()
        found = citations.find_citations(markdown, page.first_line, self._known(page))
        targets = {}
        for citation in found:
            for item in citation.items:
                if item.key.startswith(XREF_PREFIXES) and item.key not in targets:
                    holder, label = xref.resolve(item.key, src_uri, labels, citation.line)
                    text, url = xref.reference_text(src_uri, holder, label)
                    targets[item.key] = citations.Target(text, url, label.caption, label.number)
        settings = self.settings.citations
        author_year = settings.labels == "author-year"
        cited = [item.key for c in found for item in c.items if item.key not in targets]
        refs: dict[str, citations.Reference] = {}
        if cited:
            refs, problems = bibtex.format_references(cited, page.library, style=settings.style,
                                                            author_year=author_year)  # fmt: skip
            for problem in problems:
                self._bib_problem(f"{problem}{_cited_in([page.where])}", about=str(problem))
        rendered = citations.render_citations(
            markdown, found, refs, author_year=author_year, targets=targets, page_token=_page_token(src_uri)
        )
        if not rendered.references:
            return citations.remove_bibliography_markers(rendered.markdown)
        if page.post is not None:
            cited = [ref.scholar or (("title", ref.text),) for ref in rendered.references]
            page.post = dataclasses.replace(page.post, cited=cited)
        section = citations.render_reference_list(rendered, settings.heading, numbered=not author_year)
        return citations.place_reference_list(rendered.markdown, section)

    def head(self, src_uri: str, page_html: str) -> str:
        """A post's finished HTML with the Google Scholar tags in its ``<head>``."""
        page = self.pages.get(src_uri)
        if page is None or page.post is None:
            return page_html
        return head.insert_into_head(page_html, citepost.meta_lines(citepost.scholar_tags(page.post)))


def rendering_memo(path: Path) -> memo.Memo:
    """The memo of rendered pages, keyed by the code that renders them: this package's, the
    Markdown scanner's and MathML's (.bib fields may hold math), and pybtex's version."""
    from explaining_machines.citations import bibtex as package
    from explaining_machines.citations import entries, render, syntax
    from explaining_machines.citations.bibtex import biblatex, labels, latex, reading, style
    from explaining_machines.mathml import output, tex
    from explaining_machines.mathml import render as math_render

    modules = (sys.modules[__name__], package, entries, render, syntax, xref, citepost, biblatex, labels, latex,
               reading, style, mdscan, output, tex, math_render)  # fmt: skip
    return memo.Memo(path, memo.code_digest(modules, ("pybtex", "latexcodec", "latex2mathml")))


def _kept(found: object) -> tuple[str, list[tuple[str, str]], tuple | None] | None:
    """A memo's rendering of a page, checked for its shape: (Markdown, problems, cited), or None."""
    try:
        rendered, problems, cited = found["markdown"], found["problems"], found["cited"]
        if not isinstance(rendered, str):
            return None
        problems = [(str(message), str(about)) for message, about in problems]
        if cited is not None:
            cited = tuple(tuple((str(name), str(value)) for name, value in ref) for ref in cited)
        return rendered, problems, cited
    except (TypeError, KeyError, ValueError):
        return None


def _first_heading(body: str) -> str | None:
    match = re.search(r"^#[ \t]+(.+?)[ \t#]*$", body, re.MULTILINE)
    return match[1] if match else None


def _cited_in(pages: list[str]) -> str:
    """`` (cited in docs/a.md)``, `` (cited in docs/a.md and 2 other pages)``, or nothing."""
    if not pages:
        return ""
    more = len(pages) - 1
    return f" (cited in {pages[0]}" + (f" and {more} other page{'s' * (more > 1)})" if more else ")")


def _page_token(src_uri: str) -> str:
    """A short, readable token of a page for the ids of its citations (unique across excerpts)."""
    return re.sub(r"[^\w-]", "-", Path(src_uri).stem)


def _cite_id(src_uri: str, key: str) -> str:
    return f"cite-{_page_token(src_uri)}-{citations.anchor_id(key)[4:]}-1"
