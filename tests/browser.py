"""Helpers for the browser tests: serve a built site from a sub-path, drive Chromium, check pages.

Each check takes a Playwright page and returns a list of problems (empty when the
page is right), so that a test can also show that a check catches a broken page.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

# Debian's chromium by default; CHROMIUM names another Chromium or Chrome (GitHub's runners have Chrome).
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BASE_PATH = "/explaining-machines/"  # the path of site_url, as GitHub Pages serves a project site

# Runs in every page before its own scripts (Playwright injects it; no page policy applies to
# it) and reports each Content-Security-Policy violation of the page to the test.
REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || '(empty)'} in ${e.sourceFile || e.documentURI}` +
    `:${e.lineNumber}: ${JSON.stringify(e.sample)}`), true);
"""


class _SubPathHandler(SimpleHTTPRequestHandler):
    """Serves the site folder under BASE_PATH only; anything else is a 404, as on a real host."""

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(BASE_PATH):
            return "/nonexistent/" + path
        return super().translate_path("/" + path[len(BASE_PATH) :])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 under BASE_PATH; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_SubPathHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{BASE_PATH}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Traffic:
    """What a page asked for and what went wrong while it loaded."""

    origin: str
    requests: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    transferred: int = 0

    def attach(self, page) -> None:
        page.expose_function("__cspViolation", lambda report: self.csp_violations.append(report))
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failures.append(f"{r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.failures.append(f"{r.url}: HTTP {r.status}"))
        page.on("requestfinished", self._count)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _count(self, request) -> None:
        sizes = request.sizes()
        self.transferred += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def problems(self) -> list[str]:
        found = [
            f"request to another origin: {url}"
            for url in self.requests
            if not url.startswith(self.origin) and not url.startswith("data:")
        ]
        found += [f"failed request: {failure}" for failure in self.failures]
        found += [f"console error: {error}" for error in self.console_errors]
        found += [f"CSP violation: {violation}" for violation in self.csp_violations]
        return found


def open_page(browser, url: str, **context):
    """A fresh context (no cache, light system palette) and page, with its traffic recorded."""
    ctx = browser.new_context(color_scheme="light", **context)
    page = ctx.new_page()
    traffic = Traffic(origin=url.split(BASE_PATH)[0] + BASE_PATH)
    traffic.attach(page)
    return ctx, page, traffic


def scroll_through(page) -> None:
    """Scroll to the end and back so that lazy images load; wait until every shown image is done."""
    # Each image is waited for while it is in view: a lazy image that the page scrolls past
    # before Chromium has started its request would otherwise never load, and the wait hang.
    page.evaluate("""async () => {
        for (const img of document.querySelectorAll('img')) {
            if (img.offsetParent === null) continue;
            img.scrollIntoView();
            await new Promise(done => {
                if (img.complete) return done();
                img.addEventListener('load', done, {once: true});
                img.addEventListener('error', done, {once: true});
                setTimeout(done, 5000);
            });
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_function("() => [...document.images].filter(i => i.offsetParent !== null).every(i => i.complete)")


def shown_figures(page) -> list[dict]:
    """For each computed figure: the image the current palette shows, and whether it loaded; or,
    for a figure whose interactive view replaced its images, the palette the view was drawn in."""
    return page.evaluate("""() => [...document.querySelectorAll('figure.computed-figure')].map(f => {
        const shown = [...f.querySelectorAll('img')].filter(i => getComputedStyle(i).display !== 'none');
        const view = f.classList.contains('has-view') ? f.querySelector('.figure-view').dataset.drawn : null;
        return {id: f.id, view, shown: shown.map(i => ({src: i.getAttribute('src'), width: i.naturalWidth}))};
    })""")


def views_drawn(page, palette: str, count: int) -> None:
    """Wait until `count` interactive views are drawn in `palette` (``light``, ``dark``)."""
    page.wait_for_function(
        f"() => document.querySelectorAll('.figure-view[data-drawn={palette}]').length >= {count}", timeout=20000
    )


def without_views(page) -> None:
    """Show every figure as a reader without script sees it: its images, no view (once the views
    are drawn, so that none replaces its images afterwards)."""
    page.wait_for_function("() => [...document.querySelectorAll('.figure-view')].every(v => v.dataset.drawn)")
    page.evaluate("""() => document.querySelectorAll('figure.computed-figure.has-view').forEach(f => {
        f.classList.remove('has-view'); f.querySelector('.figure-view').hidden = true; })""")


def check_images(page, variant: str) -> list[str]:
    """Every visible image loaded; each figure shows exactly its `variant` (light or dark) image."""
    scroll_through(page)
    problems = [
        f"image did not load: {src}"
        for src in page.evaluate(
            "() => [...document.images].filter(i => i.offsetParent !== null && i.naturalWidth === 0)"
            ".map(i => i.getAttribute('src'))"
        )
    ]
    for figure in shown_figures(page):
        if figure["view"] is not None:  # the view replaced the images: it follows the palette
            if figure["view"] != variant:
                problems.append(f"{figure['id']}: its view is drawn in the {figure['view']} palette, not {variant}")
            continue
        if len(figure["shown"]) != 1:
            problems.append(f"{figure['id']}: {len(figure['shown'])} images shown, expected one")
            continue
        (image,) = figure["shown"]
        if f".{variant}.png" not in image["src"]:
            problems.append(f"{figure['id']}: shows {image['src']} in the {variant} palette")
        if image["width"] == 0:
            problems.append(f"{figure['id']}: {image['src']} did not load")
    return problems


def switch_palette(page) -> str:
    """Click the header's palette toggle; returns the new colour scheme ("default" or "slate")."""
    before = page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")
    page.locator("form[data-md-component=palette] label:visible").click()
    page.wait_for_function(f"() => document.body.getAttribute('data-md-color-scheme') !== '{before}'")
    # The pointer leaves the toggle (its tooltip fades out), and colours end their transitions
    # (Material's are 125-250 ms): a check of contrast reads the palette, not a frame between.
    page.mouse.move(0, page.viewport_size["height"] - 1 if page.viewport_size else 0)
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    return page.evaluate("() => document.body.getAttribute('data-md-color-scheme')")


def check_math(page) -> list[str]:
    """Math is MathML with a visible box, and no TeX is left in the visible text."""
    problems = []
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('article math')].map(m => "
        "{const r = m.getBoundingClientRect(); return [r.width, r.height, m.textContent]})"
    )
    problems += [f"math has no size: {text[:40]!r}" for width, height, text in boxes if width == 0 or height == 0]
    text = page.evaluate("() => document.querySelector('article').innerText")
    tex = ("$$", "\\(", "\\frac", "\\sum", "\\phi")
    problems += [f"raw TeX on screen: {token!r}" for token in tex if token in text]
    return problems


def in_view(page, element_id: str) -> bool:
    return page.evaluate(
        """(id) => {
        const e = document.getElementById(id);
        if (!e) return false;
        const r = e.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
    }""",
        element_id,
    )


def tooltip_of(page, link) -> str:
    """The text of the Material tooltip that hovering `link` opens ("" if none opens).

    A clicked link keeps focus, and focus keeps its tooltip open: blur it and move
    the mouse away first, so that exactly one tooltip, this link's, is open.
    """
    page.mouse.move(0, 0)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_function("() => !document.querySelector('.md-tooltip2--active')")
    link.hover()
    tooltip = page.locator(".md-tooltip2--active .md-tooltip2__inner")
    try:
        tooltip.wait_for(timeout=3000)
    except Exception:  # noqa: BLE001 - Playwright's TimeoutError; the caller reports the problem
        return ""
    return " ".join(tooltip.inner_text().split())


def check_citations(page) -> list[str]:
    """Each citation: its target exists, its tooltip is that reference, click there and back."""
    problems = []
    citations = page.evaluate("""() => [...document.querySelectorAll('a.citation[href^="#"]')].map(a => ({
        id: a.id, target: a.getAttribute('href').slice(1), title: a.getAttribute('title') }))""")
    for cite in citations:
        reference = page.evaluate(
            """(id) => { const e = document.getElementById(id); if (!e) return null;
            const copy = e.cloneNode(true); copy.querySelectorAll('.citation-backlink, .reference-label')
            .forEach(n => n.remove()); return copy.textContent.replace(/\\s+/g, ' ').trim(); }""",
            cite["target"],
        )
        if reference is None:
            problems.append(f"{cite['id']}: target #{cite['target']} does not exist")
            continue
        link = page.locator(f"[id='{cite['id']}']")
        shown = tooltip_of(page, link)
        if shown != reference:
            problems.append(f"{cite['id']}: tooltip {shown[:60]!r} is not the reference {reference[:60]!r}")
        link.click()
        if page.evaluate("() => location.hash") != f"#{cite['target']}" or not in_view(page, cite["target"]):
            problems.append(f"{cite['id']}: clicking did not bring #{cite['target']} into view")
        back = page.locator(f"[id='{cite['target']}'] a.citation-backlink[href='#{cite['id']}']")
        if back.count() != 1:
            problems.append(f"{cite['target']}: no back-link to {cite['id']}")
            continue
        back.click()
        if page.evaluate("() => location.hash") != f"#{cite['id']}" or not in_view(page, cite["id"]):
            problems.append(f"{cite['target']}: the back-link did not return to {cite['id']}")
    return problems


def check_footnotes(page) -> list[str]:
    """Each footnote reference: its tooltip shows the note; click to the note and back."""
    problems = []
    # Only notes on this page: an excerpt on the blog index links its notes to the post.
    refs = page.evaluate(
        "() => [...document.querySelectorAll('a.footnote-ref')].map(a => a.getAttribute('href'))"
        ".filter(h => h.startsWith('#'))"
    )
    for href in refs:
        note_id = href[1:]
        note = page.evaluate(
            "(id) => { const e = document.getElementById(id); return e ? "
            "e.textContent.replace(/\\s+/g, ' ').replace('↩', '').trim() : null }",
            note_id,
        )
        if note is None:
            problems.append(f"footnote {href}: the note does not exist")
            continue
        link = page.locator(f"a.footnote-ref[href='{href}']")
        shown = tooltip_of(page, link)
        if not shown or shown[:40] != note[:40]:
            problems.append(f"footnote {href}: tooltip {shown[:40]!r} does not show the note {note[:40]!r}")
        link.click()
        if not in_view(page, note_id):
            problems.append(f"footnote {href}: clicking did not bring the note into view")
        ref_id = "fnref:" + note_id.split(":", 1)[1]
        back = page.locator(f"[id='{note_id}'] a.footnote-backref")
        if back.count() == 0:
            problems.append(f"footnote {href}: no back-link")
            continue
        back.first.click()
        if not in_view(page, ref_id):
            problems.append(f"footnote {href}: the back-link did not return to the reference")
    return problems
