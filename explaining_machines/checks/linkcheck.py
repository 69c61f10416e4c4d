"""Find the local links of a built site that point at nothing.

Every ``href``, ``src``, ``srcset``, ``poster`` (``<video>``) and ``data``
(``<object>``) in the site's HTML is read, whether Markdown, raw HTML or a template
wrote it, and resolved the way a browser resolves it against the page's own address:
``blog/x/index.html`` is served as ``<base>blog/x/``, where ``<base>`` is the path of
``site_url`` (``/`` without one). A link is broken when the file it names is not in
the site folder, when its ``#fragment`` names no ``id`` (or ``<a name>``) of the HTML
page it points at, or when it leaves the site's path (``/elsewhere/`` under a site
served at ``/sub/``). Links to other hosts and other schemes are never fetched.

Each page is parsed once, with the standard library's `html.parser`, and most pages
not even that: what the Content-Security-Policy's pass over a rendered page read of it
is remembered (`remember`). The ids of a page that is only a link target are read the
first time a link needs them. Imports
nothing from MkDocs.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal
from urllib.parse import quote, unquote, urljoin, urlsplit

from explaining_machines.checks import htmlpass
from explaining_machines.pages import urls

# Attributes that hold one URL, on any element. ``<base href>`` is left out: it changes
# how the others resolve rather than linking anywhere (MkDocs and Material never write one).
URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href"})
# Attributes that hold a URL only on some elements (elsewhere the name means something else).
URL_ATTRIBUTES_OF = {"video": frozenset({"poster"}), "object": frozenset({"data"})}

_ORIGIN = "http://site.invalid"  # any origin: only paths are compared, nothing is fetched

Kind = Literal["file", "id", "outside"]


@dataclass(frozen=True)
class Link:
    """One URL in a page, as written (entities decoded), and where the page holds it."""

    url: str
    line: int  # in the HTML file
    tag: str
    attribute: str


@dataclass(frozen=True)
class ParsedPage:
    """What the checker needs of a page: its links and the ids a fragment may name."""

    links: tuple[Link, ...]
    ids: frozenset[str]


@dataclass(frozen=True)
class BrokenLink:
    """A link whose target is not in the site.

    `kind` says what is missing: ``file`` (nothing at `target`, a site-relative path),
    ``id`` (no id `fragment` in the HTML page `target`) or ``outside`` (`target`, the
    URL's path, is not under the site's path `base`). `path` is the URL path the link
    resolves to, from the host's root (``/sub/img/a.png``; empty for a bare ``#fragment``).
    """

    page: str  # the HTML file holding the link, site-relative, with "/"
    url: str  # the attribute's value as written
    line: int  # line of the link in the HTML file
    kind: Kind
    target: str
    fragment: str | None = None
    base: str = "/"
    path: str = ""

    @property
    def reason(self) -> str:
        """Why the link is broken, in a few words."""
        if self.kind == "file":
            home = ", the home page" if self.target == "index.html" else ""
            return f"no such file: {self.target}{home}"
        if self.kind == "id":
            where = "on this page" if self.target == self.page else f"in {self.target}"
            return f"no such id '{self.fragment}' {where}"
        return f"outside the site: {self.target} is not under {self.base}"


class LinkReader(htmlpass.Reader):
    """Collects the links and ids of a page (`htmlpass`)."""

    def __init__(self) -> None:
        self.links: list[Link] = []
        self.ids: set[str] = set()

    def starttag(self, tag: str, attrs: list[tuple[str, str | None]], line: int) -> None:
        named = URL_ATTRIBUTES_OF.get(tag, frozenset())
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif (name in URL_ATTRIBUTES and tag != "base") or name in named:
                self.links.append(Link(value, line, tag, name))
            elif name == "srcset" and tag in ("img", "source"):
                self.links.extend(Link(url, line, tag, name) for url in (url for url, _ in urls.srcset(value)))

    def parsed(self, moved_down_from: int | None = None) -> ParsedPage:
        """The page's links and ids; with `moved_down_from`, the links from that line on are
        one line further down (the page was read before a line break was added there)."""
        links = self.links
        if moved_down_from is not None:
            links = [replace(link, line=link.line + 1) if link.line >= moved_down_from else link for link in links]
        return ParsedPage(tuple(links), frozenset(self.ids))


def parse(text: str) -> ParsedPage:
    """The links and ids of one HTML page."""
    reader = LinkReader()
    htmlpass.read(text, reader)
    return reader.parsed()


def base_path(site_url: str | None) -> str:
    """The URL path the site is served under: ``/explaining-machines/`` for
    ``https://example.github.io/explaining-machines/``, ``/`` without a `site_url`."""
    path = urlsplit(site_url or "").path or "/"
    return path if path.endswith("/") else path + "/"


def is_local(url: str) -> bool:
    """Whether `url` points into this site: not empty, not a bare ``#``, no scheme
    (``https:``, ``mailto:``, ``tel:``, ``data:``, ``javascript:``, ...) and no host (``//host/``)."""
    url = url.strip()
    if not url or url == "#":  # "": the page itself; "#": the top of the page, by convention
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # such as "//[bad-host/": a host, however malformed
        return False
    return not parts.scheme and not parts.netloc and not url.startswith("//")


class Site:
    """A built site folder: the files it holds (listed once) and its pages, each parsed once."""

    def __init__(
        self,
        folder: str | os.PathLike[str],
        base: str = "/",
        known: Callable[[str], ParsedPage | None] | None = None,
    ) -> None:
        """`known` gives what an earlier read found in a page's text, if one did (`checks.site`)."""
        self.folder = Path(folder)
        self.known = known
        # What `check_link` consulted while tracing (`traced`): files by whether they exist,
        # and the pages whose ids it looked in, by a digest of those ids.
        self._trace: dict[str, dict] | None = None
        self._ids_digests: dict[str, str] = {}
        self.base = base if base.endswith("/") else base + "/"
        self.files: set[str] = set()
        for directory, _, names in os.walk(self.folder):
            relative = Path(directory).relative_to(self.folder).as_posix()
            prefix = "" if relative == "." else relative + "/"
            self.files.update(prefix + name for name in names)
        self._parsed: dict[str, ParsedPage] = {}

    def html_files(self) -> list[str]:
        """Every HTML file of the site, site-relative, sorted."""
        return sorted(name for name in self.files if name.endswith(".html"))

    def page(self, name: str) -> ParsedPage:
        """The parsed HTML page `name` (site-relative); read and parsed the first time only."""
        parsed = self._parsed.get(name)
        if parsed is None:
            text = (self.folder / name).read_text(encoding="utf-8", errors="replace")
            parsed = (self.known(text) if self.known is not None else None) or parse(text)
            self._parsed[name] = parsed
        return parsed

    def has(self, name: str) -> bool:
        """Whether the site holds the file `name` (site-relative)."""
        found = name in self.files
        if self._trace is not None:
            self._trace["files"][name] = found
        return found

    def ids_of(self, name: str) -> frozenset[str]:
        """The ids of the HTML page `name`."""
        ids = self.page(name).ids
        if self._trace is not None:
            self._trace["ids"][name] = self.ids_digest(name)
        return ids

    def ids_digest(self, name: str) -> str:
        """A digest of the ids of the HTML page `name`, for memos of checks that looked in them."""
        if name not in self._ids_digests:
            text = "\0".join(sorted(self.page(name).ids)).encode("utf-8", "surrogatepass")
            self._ids_digests[name] = hashlib.blake2b(text, digest_size=16).hexdigest()
        return self._ids_digests[name]

    def traced(self, page: str) -> tuple[list[BrokenLink], dict[str, dict]]:
        """`check([page])`, and what it depended on: ``{"files": {name: exists}, "ids": {page: digest}}``."""
        self._trace = {"files": {}, "ids": {}}
        try:
            return self.check([page]), self._trace
        finally:
            self._trace = None

    def still(self, depends: dict[str, dict]) -> bool:
        """Whether what an earlier check of a page depended on (`traced`) is unchanged in this site."""
        return all(self.has(name) == exists for name, exists in depends["files"].items()) and all(
            self.has(name) and name.endswith(".html") and self.ids_digest(name) == digest
            for name, digest in depends["ids"].items()
        )

    def check(self, pages: Iterable[str]) -> list[BrokenLink]:
        """The broken local links of `pages` (site-relative HTML files): each distinct
        URL of a page once, at its first line, in page order."""
        broken = []
        for name in pages:
            seen = set()
            for link in self.page(name).links:
                if link.url in seen or not is_local(link.url):
                    continue
                seen.add(link.url)
                problem = self.check_link(name, link.url, link.line)
                if problem is not None:
                    broken.append(problem)
        return broken

    def check_link(self, page: str, url: str, line: int = 0) -> BrokenLink | None:
        """What is wrong with the local `url` written in `page`, or None if it resolves."""
        url = url.strip()
        if url.startswith("#"):  # common, and needs no resolving
            target, fragment, path = page, url[1:], ""
        else:
            parts = urlsplit(urljoin(_ORIGIN + self.base + quote(page), url))
            path = parts.path
            if not (path + "/").startswith(self.base):
                return BrokenLink(page, url, line, "outside", path, base=self.base, path=path)
            target = unquote(path[len(self.base) :])
            if not target or target.endswith("/"):
                target += "index.html"
            if not self.has(target):
                if not self.has(target + "/index.html"):  # a folder without its "/": servers redirect
                    return BrokenLink(page, url, line, "file", target, base=self.base, path=path)
                target += "/index.html"
            fragment = parts.fragment
        if not fragment or not target.endswith(".html"):
            return None  # a fragment of an image or a PDF is not an id (e.g. Material's #only-dark)
        if _names_top_or_text(fragment):
            return None
        ids = self.ids_of(target)
        if fragment in ids or unquote(fragment) in ids:
            return None
        return BrokenLink(page, url, line, "id", target, unquote(fragment), base=self.base, path=path)


def _names_top_or_text(fragment: str) -> bool:
    # HTML: "#top" scrolls to the top without an element of that id; "#:~:text=..."
    # is a text fragment, which browsers search for in the text, not among ids.
    return fragment.lower() == "top" or fragment.startswith(":~:")


def check_site(folder: str | os.PathLike[str], base: str = "/", pages: Iterable[str] | None = None) -> list[BrokenLink]:
    """The broken local links of the site in `folder`, served under the path `base`:
    of `pages` (site-relative HTML files), or of every HTML file when None."""
    site = Site(folder, base)
    return site.check(site.html_files() if pages is None else pages)
