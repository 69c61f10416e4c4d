"""The site's scholarly apparatus, as one build sees it: every page's citations and labels,
each post's own citation, and the site-wide References page.

A build reads every Markdown page once (`Apparatus.read`): a ``{% tag %}`` it does not
know fails with page, line and the known tags; the page's labels are numbered
(`explaining_machines.citations.xref`) and its bibliography files named (parsed only when
needed, `explaining_machines.citations.pageinfo`). `Apparatus.check` then resolves every citation and cross-reference of
every page, so that an unknown key or label fails before anything is rendered. Once the
pages are known, `Apparatus.add_post` gives a post its citation, `Apparatus.site_page`
writes the References page, `Apparatus.render` turns a page's citations and references
into links with their reference list, and `Apparatus.head` adds the Google Scholar tags.

Problems an author can live with (a field the style needs, a near miss of a key) go to
the `report` callable once per build, at the level ``citations.bib_problems`` sets for
.bib problems; a problem the build cannot go on with is a `SourceError` that names the
file and line.

With a memo (`explaining_machines.memo`), every step of a page (reading, checking,
rendering) and the References page are kept between builds by what they depend on, and
the problems each reported are kept with it and reported again: a warm build does for an
unchanged page a digest lookup, and warns as a cold one does. Imports nothing from
MkDocs: `hooks/references_hook.py` wires it in.
"""

from __future__ import annotations

import dataclasses
import logging
import posixpath
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from explaining_machines import citations, computed, memo
from explaining_machines.citations import citepost, pageinfo, sitepage, syntax, titles, tooltips, xref
from explaining_machines.citations.pageinfo import PageInfo
from explaining_machines.errors import SourceError, located
from explaining_machines.pages import head
from explaining_machines.pages.urls import relative
from explaining_machines.settings import ProjectSettings
from explaining_machines.source import frontmatter, mdscan

KNOWN_TAGS = ("bibliography", "cite", "endraw", "figure", "raw", "value")
XREF_PREFIXES = syntax.XREF_PREFIXES
Report = Callable[[int, str], None]  # (logging level, message)


class Apparatus:
    """The citations and cross-references of one build's pages."""

    def __init__(self, settings: ProjectSettings, report: Report, store: memo.Memo | None = None) -> None:
        """`store` keeps each page's reading, checking and rendering between builds; without it, all is done."""
        self.settings = settings
        self.pages: dict[str, PageInfo] = {}  # by source URI (``blog/posts/x.md``)
        self.store = store
        self._report = report
        self._reported: set[str] = set()
        self._recording: list[list] | None = None  # what the step being remembered reports
        self._site_state: str | None = None
        self._digests: dict[Path, str] = {}
        self._paths: dict[str, Path] = {}  # each page's file, by source URI
        self.excerpt_separator = "<!-- more -->"  # Material's default; the hook sets the blog's

    # ------------------------------------------------------------------ remembering

    def _remembered(self, parts: list, compute: Callable[[], Any], decode: Callable[[Any], Any]) -> Any:
        """`decode(compute())` of a JSON-able result, unless the memo kept one for `parts`.

        `decode` turns a kept or computed result into what the caller uses; it raises
        TypeError, KeyError or ValueError for a kept one of the wrong shape, which is then
        computed again. What `compute` reported is kept with it and reported again on a hit.
        """
        if self.store is None:
            return decode(compute())
        key = self.store.key(*parts)
        found = self.store.get(key)
        try:
            value = decode(found["value"])
            reports = [(int(level), str(message), str(about)) for level, message, about in found["reports"]]
        except (TypeError, KeyError, ValueError):
            self.store.forget(key)
        else:
            for report in reports:
                self._once(*report)
            return value
        outer, self._recording = self._recording, []
        try:
            value = compute()
            reports = self._recording
        finally:
            self._recording = outer
        if outer is not None:
            outer.extend(reports)
        self.store.put(key, {"value": value, "reports": reports})
        return decode(value)

    # ------------------------------------------------------------------ reading and checking

    def read(self, src_uri: str, path: Path, raw: str, name: str | None = None) -> None:
        """Read one page: its tags (unknown ones fail), its labels, its bibliography if it cites, and
        its title: the front matter's, else its first heading, else `name` (or the file's stem)."""
        where = self.settings.shown(path)
        first, body = frontmatter.body(raw)
        name = name or Path(src_uri).stem
        default = list(self.settings.citations.bibliography)
        read = self._remembered(["read", src_uri, where, raw, name, default],
                                lambda: self._read(where, first, body, raw, name), pageinfo.decode_read)  # fmt: skip
        labels, title, declared, line = read
        bibs = None if declared is None else self._bibs(path, declared, line, where)
        page_labels = xref.PageLabels(src_uri, title, {label.name: label for label in labels})
        self.pages[src_uri] = PageInfo(where, first, body, bibs, page_labels)
        self._paths[src_uri] = path

    def _read(self, where: str, first: int, body: str, raw: str, name: str) -> list:
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
        except (xref.XrefError, citations.CitationError, computed.TagError) as error:
            raise located(where, error) from None
        try:
            meta = frontmatter.check(raw)
            titles.check_meta(meta, raw)
        except (frontmatter.FrontMatterError, citations.CitationError) as error:
            raise located(where, error) from None
        heading = pageinfo.first_heading(body)
        title = meta["title"] if isinstance(meta.get("title"), str) else xref.plain(heading) if heading else name
        declared, line = None, None
        if "@" in body or "{%" in body:
            declared = meta.get("bibliography", list(self.settings.citations.bibliography))
            line = frontmatter.key_line(raw, "bibliography")
            if isinstance(declared, str):
                declared = [declared]
            if not isinstance(declared, list) or not all(isinstance(p, str) and p for p in declared):
                raise SourceError(f"{where}:{line or 1}: 'bibliography' must be a path or a list of paths")
        return [[dataclasses.asdict(label) for label in labels], title, declared, line]

    def _bibs(self, path: Path, declared: list[str], line: int | None, where: str) -> tuple[pageinfo.BibSource, ...]:
        """The page's .bib files: each as ``bibliography:`` names it, beside the page or at the root."""
        root = self.settings.root
        found = []
        for name in declared:
            bib = next((p for p in (path.parent / name, root / name) if p.is_file()), None)
            if bib is None:
                at = f"{where}:{line}" if line else where
                raise SourceError(
                    f"{at}: bibliography file '{name}' not found (looked beside the page and in the project root)"
                )
            found.append(pageinfo.bib_source(bib, self.settings.shown(bib), self._digests))
        return tuple(found)

    def bib_files(self) -> set[Path]:
        """Every .bib file a page of the site reads (for `mkdocs serve` to watch)."""
        return {bib.path for page in self.pages.values() for bib in page.bibs or ()}

    def check(self) -> None:
        """Every citation and reference of every page resolves, or fail naming its line."""
        labels = self._labels()
        for src_uri, page in self.pages.items():
            if page.bibs is not None:
                parts = ["check", src_uri, page.where, page.body, page.first_line, page.bib_state(),
                         self._labels_state(), dataclasses.asdict(self.settings.citations)]  # fmt: skip
                check = lambda src_uri=src_uri, page=page: self._check_page(src_uri, page, labels)  # noqa: E731
                page.cited = self._remembered(parts, check, pageinfo.strings)

    def _check_page(self, src_uri: str, page: PageInfo, labels: dict[str, xref.PageLabels]) -> list[str]:
        library = page.library
        for problem in library.problems:
            self._bib_problem(str(problem))
        cited: list[str] = []
        try:
            found = citations.find_citations(page.body, page.first_line, self._known(page))
            titles.check_heading(found, page.body, page.first_line, page.labels.title)
            for citation in found:
                for item in citation.items:
                    if item.is_reference and item.key in library.entries and not xref.is_label(item.key, labels):
                        raise citations.CitationError(citation.line, f"'@{item.key}' reads as a cross-reference, "
                            f"but it is a key of the bibliography: cite it as @{{{item.key}}}")  # fmt: skip
                    if item.is_reference:
                        self._unambiguous(item.key, page, src_uri, citation.line)
                        xref.resolve(item.key, src_uri, labels, citation.line)
                    elif item.key not in library.entries:
                        message = citations.unknown_key_message(item.key, sorted(library.entries), library.sources)
                        raise citations.CitationError(citation.line, message)
                    elif item.key not in cited:
                        cited.append(item.key)
        except (citations.CitationError, xref.XrefError) as error:
            raise located(page.where, error) from None
        for miss in citations.near_misses(page.body, page.first_line, sorted(library.entries)):
            self._once(logging.WARNING, f"{page.where}:{miss.line}: '@{miss.word}' is no citation key; did you "
                                        f"mean '@{miss.key}'? (write \\@{miss.word} for the text itself)")  # fmt: skip
        return cited

    def _unambiguous(self, name: str, page: PageInfo, src_uri: str, line: int) -> None:
        """A reference to a label that several other pages define fails where the label was
        defined last (the newest file: the post just written, most likely), not in the page
        that refers to it, which was right until then."""
        if name in page.labels.labels:
            return
        holders = [uri for uri, other in self.pages.items() if name in other.labels.labels]
        if len(holders) < 2:
            return

        def newest(uri: str) -> tuple[float, str]:
            try:
                return self._paths[uri].stat().st_mtime, uri
            except (KeyError, OSError):
                return 0.0, uri

        holders.sort(key=newest)
        here = self.pages[holders[-1]]
        others = ", ".join(
            f"{self.pages[uri].where}:{self.pages[uri].labels.labels[name].line}" for uri in holders[:-1]
        )
        raise SourceError(f"{here.where}:{here.labels.labels[name].line}: label '{name}' is defined here and in "
                          f"{others}, and {page.where}:{line} refers to it from another page, which cannot tell "
                          f"them apart: rename one of them")  # fmt: skip

    def _labels(self) -> dict[str, xref.PageLabels]:
        return {uri: page.labels for uri, page in self.pages.items()}

    def _labels_state(self) -> str:
        """A digest of what a reference to any label of the site shows: its page, title, number and caption."""
        if self._site_state is None:
            self._site_state = memo.digest([
                [uri, labels.title, [[label.name, label.kind, label.number, label.caption]
                                     for label in labels.labels.values()]]
                for uri, labels in sorted(self._labels().items())
            ])  # fmt: skip
        return self._site_state

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
        if self._recording is not None:
            self._recording.append([level, message, about])
        if about not in self._reported:
            self._reported.add(about)
            self._report(level, message)

    def _bib_problem(self, message: str, about: str | None = None) -> None:
        """A problem of a .bib file, at the level `citations.bib_problems` sets."""
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
        state = [[key, [[uri, page.where, page.labels.title, urls[uri]] for uri, page in pages],
                  pages[0][1].bib_state()] for key, pages in citing.items()]  # fmt: skip
        parts = ["site", here, state, dataclasses.asdict(self.settings.citations)]
        return self._remembered(parts, lambda: self._site_page(here, urls, citing), pageinfo.string)

    def _site_page(self, here: str, urls: Mapping[str, str], citing: dict[str, list[tuple[str, PageInfo]]]) -> str:
        from explaining_machines.citations import bibtex

        first = {key: pages[0][1].library for key, pages in citing.items()}
        library = bibtex.Library([bib for lib in dict.fromkeys(first.values()) for bib in lib.files])
        style = self.settings.citations
        refs, problems = bibtex.format_references(list(citing), library, style=style.style, author_year=True)
        for problem in problems:  # reported before any page is rendered, so it names the pages that cite the entry
            where = [page.where for _, page in citing.get(problem.key or "", [])]
            self._bib_problem(f"{problem}{pageinfo.cited_in(where)}", about=str(problem))
        entries = []
        for key, ref in refs.items():
            links = [sitepage.Citing(page.labels.title, relative(urls[uri], here) + f"#{pageinfo.cite_id(uri, key)}")
                     for uri, page in citing[key]]  # fmt: skip
            entries.append(sitepage.SiteEntry(ref, links))
        return sitepage.page(entries)

    def render(self, src_uri: str, markdown: str) -> str:
        """The page's Markdown with its labels numbered, its citations and references as links,
        its reference list, "Cite this post" for a post, and the ``{% raw %}`` markers removed.

        Remembered by the page's Markdown, its labels and .bib files, the labels of every page,
        the post's citation and the settings (and the code, as every memo key)."""
        page = self.pages.get(src_uri)
        if page is None:
            return markdown
        post = dataclasses.asdict(dataclasses.replace(page.post, cited=())) if page.post is not None else None
        labels = [dataclasses.asdict(label) for label in page.labels.labels.values()]
        parts = ["render", src_uri, markdown, page.where, page.first_line, labels, page.bib_state(), post,
                 page.bib_file, self._labels_state(), dataclasses.asdict(self.settings.citations),
                 self.excerpt_separator]  # fmt: skip
        rendered, cited = self._remembered(parts, lambda: self._render(src_uri, page, markdown), pageinfo.decode_render)
        if page.post is not None and cited is not None:
            page.post = dataclasses.replace(page.post, cited=cited)
        return rendered

    def _render(self, src_uri: str, page: PageInfo, markdown: str) -> list:
        markdown = xref.number_page(markdown, page.first_line, page.labels.labels)
        if page.post is not None and self.excerpt_separator not in markdown:
            # A post without the excerpt separator is all excerpt in Material's blog: one after
            # the author's text keeps the reference list and "Cite this post" off the blog's
            # index, as an author's own separator does.
            markdown = markdown.rstrip("\n") + "\n\n" + self.excerpt_separator + "\n"
        markdown = self._cite(src_uri, page, markdown)
        if page.post is not None:
            url = relative(page.bib_file, src_uri)  # as Markdown links go
            markdown = markdown.rstrip("\n") + "\n\n" + citepost.section(page.post, url) + "\n"
        cited = [list(map(list, ref)) for ref in page.post.cited] if page.post is not None else None
        return [mdscan.strip_raw_markers(citations.unescape_at(markdown)), cited]

    def _cite(self, src_uri: str, page: PageInfo, markdown: str) -> str:
        """Citations and cross-references as links, and the reference list."""
        if page.bibs is None:
            return markdown
        labels = self._labels()
        found = citations.find_citations(markdown, page.first_line, self._known(page))
        targets = {}
        for citation in found:
            for item in citation.items:
                if item.is_reference and item.key not in targets:
                    holder, label = xref.resolve(item.key, src_uri, labels, citation.line)
                    text, url = xref.reference_text(src_uri, holder, label)
                    title = tooltips.title(label, holder.src_uri == src_uri)
                    targets[item.key] = citations.Target(text, url, title, label.number)
        settings = self.settings.citations
        author_year = settings.labels == "author-year"
        cited = [item.key for c in found for item in c.items if not (item.is_reference and item.key in targets)]
        refs: dict[str, citations.Reference] = {}
        if cited:
            from explaining_machines.citations import bibtex

            refs, problems = bibtex.format_references(cited, page.library, style=settings.style,
                                                            author_year=author_year)  # fmt: skip
            for problem in problems:
                self._bib_problem(f"{problem}{pageinfo.cited_in([page.where])}", about=str(problem))
        rendered = citations.render_citations(
            markdown, found, refs, author_year=author_year, targets=targets, page_token=pageinfo.page_token(src_uri)
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
    """The memo of the pages' readings, checks and renderings, keyed by the code that makes them:
    this package's (.bib reading and formatting by their files: they are imported only when a
    page needs them), the Markdown scanner's, front matter's and MathML's (.bib fields may hold
    math), and the versions of pybtex and the libraries it reads LaTeX with."""
    from explaining_machines import mathml

    package = Path(pageinfo.__file__).parent
    files = sorted(
        [*package.glob("*.py"), *(package / "bibtex").glob("*.py"), *Path(mathml.__file__).parent.glob("*.py")]
    )
    modules = (*files, mdscan, frontmatter)
    return memo.Memo(path, memo.code_digest(modules, ("pybtex", "latexcodec", "latex2mathml", "PyYAML")))
