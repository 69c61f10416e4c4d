"""The link checker (`explaining_machines.checks.linkcheck`) on hand-written HTML; the links hook in small builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SMALL_CONFIG, make_site

from explaining_machines.checks import linkcheck, linktrace
from explaining_machines.checks.linkcheck import BrokenLink
from explaining_machines.checks.linktrace import Origin

BASE = "/sub/"
PAGE = "blog/x/index.html"  # served as /sub/blog/x/

SITE = {
    "index.html": '<h1 id="home">Home</h1><a name="old-anchor"></a>',
    PAGE: '<h1 id="title">X</h1><h2 id="part">Part</h2><p id="café">Accents</p>',
    "blog/index.html": "<h1>Blog</h1>",
    "blog/p.html": '<h1 id="flat">A page without directory URLs</h1>',
    "img/a.png": "",
    "files/my file.pdf": "",
    "assets/app.js": "",
}


@pytest.fixture
def site(tmp_path: Path) -> linkcheck.Site:
    for name, text in SITE.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return linkcheck.Site(tmp_path, BASE)


@pytest.mark.parametrize(
    "url",
    [
        "../../img/a.png",  # relative, up two folders
        "/sub/img/a.png",  # root-absolute under the site's path
        "./",  # the page's own folder: its index.html
        "..",  # MkDocs writes folder links without the slash, too
        "../",
        "../../blog",  # a folder without its "/": servers redirect to the folder
        "/sub",  # the site's root, without its "/"
        "/sub/blog/x/index.html",
        "../p.html#flat",  # a page of a site without directory URLs
        "#part",  # an id of the page itself
        "#caf%C3%A9",  # percent-encoded id
        "#café",
        "../../#home",  # an id of another page
        "../../index.html#home",
        "/sub/#old-anchor",  # <a name> counts as an id
        "#top",  # the top of the page, with or without such an id
        "#:~:text=Part",  # a text fragment, which names no id
        "../../files/my%20file.pdf",  # percent-encoded path
        "../../files/my file.pdf",
        "../../files/my%20file.pdf#page=2",  # a fragment of a file that is not HTML: not an id
        "../../img/a.png#only-dark",  # Material's palette suffix
        "../../img/a.png?v=3",  # a query string does not change the file
        "?page=2",
        " ../../assets/app.js ",  # browsers strip spaces around a URL
    ],
)
def test_links_that_resolve(site, url):
    assert site.check_link(PAGE, url) is None


@pytest.mark.parametrize(
    ("url", "kind", "target", "fragment", "path", "reason"),
    [
        ("img/a.png", "file", "blog/x/img/a.png", None, "/sub/blog/x/img/a.png", "no such file: blog/x/img/a.png"),
        ("../../img/b.png", "file", "img/b.png", None, "/sub/img/b.png", "no such file: img/b.png"),
        ("../../img/b.png?v=3", "file", "img/b.png", None, "/sub/img/b.png", "no such file: img/b.png"),
        ("/sub/img/b.png", "file", "img/b.png", None, "/sub/img/b.png", "no such file: img/b.png"),
        ("../y/", "file", "blog/y/index.html", None, "/sub/blog/y/", "no such file: blog/y/index.html"),
        (
            "../../files/my%20files.pdf",
            "file",
            "files/my files.pdf",
            None,
            "/sub/files/my%20files.pdf",
            "no such file: files/my files.pdf",
        ),
        ("/img/a.png", "outside", "/img/a.png", None, "/img/a.png", "outside the site: /img/a.png is not under /sub/"),
        (
            "../../../img/a.png",
            "outside",
            "/img/a.png",
            None,
            "/img/a.png",
            "outside the site: /img/a.png is not under /sub/",
        ),
        ("#nope", "id", PAGE, "nope", "", "no such id 'nope' on this page"),
        ("#Part", "id", PAGE, "Part", "", "no such id 'Part' on this page"),  # ids are case-sensitive
        ("../../#nope", "id", "index.html", "nope", "/sub/", "no such id 'nope' in index.html"),
        ("/sub/#caf%C3%A8", "id", "index.html", "cafè", "/sub/", "no such id 'cafè' in index.html"),
    ],
)
def test_broken_links_say_why(site, url, kind, target, fragment, path, reason):
    broken = site.check_link(PAGE, url, line=7)
    assert broken == BrokenLink(PAGE, url.strip(), 7, kind, target, fragment, BASE, path)
    assert broken.reason == reason


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("https://example.org/a.png", False),
        ("http://example.org/", False),
        ("//cdn.example.org/x.js", False),
        ("mailto:editors@example.org", False),
        ("tel:+441234567", False),
        ("data:image/png;base64,iVBORw0KGgo=", False),
        ("javascript:void(0)", False),
        ("//[malformed-host/x", False),
        ("#", False),
        ("", False),
        ("  ", False),
        ("a.png", True),
        ("/sub/a.png", True),
        ("#part", True),
        ("?q=1", True),
        ("../x/", True),
    ],
)
def test_what_is_local(url, local):
    assert linkcheck.is_local(url) is local


@pytest.mark.parametrize(
    ("site_url", "base"),
    [
        (None, "/"),
        ("", "/"),
        ("https://example.org", "/"),
        ("https://example.org/", "/"),
        ("https://example.github.io/explaining-machines/", "/explaining-machines/"),
        ("https://example.org/sub", "/sub/"),
    ],
)
def test_base_path(site_url, base):
    assert linkcheck.base_path(site_url) == base


@pytest.mark.parametrize(
    ("value", "candidates"),
    [
        ("a.png", [("a.png", "")]),
        ("a.png 1x, b.png 2x", [("a.png", "1x"), ("b.png", "2x")]),
        ("a.png 100w,b.png 200w", [("a.png", "100w"), ("b.png", "200w")]),
        ("a.png, b.png,", [("a.png", ""), ("b.png", "")]),
        (" a.png 1x ,\n b.png 2x ", [("a.png", "1x"), ("b.png", "2x")]),
        ("data:image/png;base64,AAAA 1x, b.png 2x", [("data:image/png;base64,AAAA", "1x"), ("b.png", "2x")]),
        ("a.png (max-width: 2x, 3) 1x, b.png", [("a.png", "(max-width: 2x, 3) 1x"), ("b.png", "")]),
    ],
)
def test_srcset_is_read_as_the_html_standard_says(value, candidates):
    from explaining_machines.pages import urls

    assert urls.srcset(value) == candidates


HTML = """<!doctype html>
<html><head>
<link rel="stylesheet" href="a.css"><script src="a.js"></script>
<base href="/ignored/">
</head><body>
<a href="p/?x=1&amp;y=2">entity</a> <img src="i.png" srcset="i.png 1x, i2.png 2x" alt="">
<picture><source srcset="s.webp 1x, s2.webp 2x"></picture>
<video poster="v.jpg"><source src="v.mp4"><track src="v.vtt"></video>
<object data="o.svg"></object><div data="not-a-url"></div>
<svg><use href="#icon"></use><use xlink:href="#old"></use></svg>
<h2 id="one">One</h2><a name="two"></a><input name="three"><p id="">empty</p>
<script>var s = '<a href="in-a-script">';</script>
<!-- <img src="commented-out.png"> -->
</body></html>
"""


def test_parse_finds_every_url_attribute_and_every_id():
    page = linkcheck.parse(HTML)
    assert [(link.tag, link.attribute, link.url, link.line) for link in page.links] == [
        ("link", "href", "a.css", 3),
        ("script", "src", "a.js", 3),
        ("a", "href", "p/?x=1&y=2", 6),
        ("img", "src", "i.png", 6),
        ("img", "srcset", "i.png", 6),
        ("img", "srcset", "i2.png", 6),
        ("source", "srcset", "s.webp", 7),
        ("source", "srcset", "s2.webp", 7),
        ("video", "poster", "v.jpg", 8),
        ("source", "src", "v.mp4", 8),
        ("track", "src", "v.vtt", 8),
        ("object", "data", "o.svg", 9),
        ("use", "href", "#icon", 10),
        ("use", "xlink:href", "#old", 10),
    ]
    assert page.ids == {"one", "two", ""}


def test_check_reports_each_distinct_link_of_a_page_once_at_its_first_line(tmp_path):
    (tmp_path / "index.html").write_text(
        '<h1 id="a">A</h1>\n<a href="#b">1</a>\n<a href="#b">2</a>\n'
        '<img src="https://example.org/x.png"><a href="mailto:x@example.org">m</a>\n'
        '<img src="missing.png">\n<a href="#a">ok</a>\n'
    )
    (tmp_path / "other.html").write_text('<a href="index.html#b">b</a><a href="index.html#a">a</a>')
    (tmp_path / "style.css").write_text("")
    assert linkcheck.check_site(tmp_path, "/") == [
        BrokenLink("index.html", "#b", 2, "id", "index.html", "b"),
        BrokenLink("index.html", "missing.png", 5, "file", "missing.png", path="/missing.png"),
        BrokenLink("other.html", "index.html#b", 1, "id", "index.html", "b", path="/index.html"),
    ]
    assert linkcheck.check_site(tmp_path, "/", ["other.html"]) == [
        BrokenLink("other.html", "index.html#b", 1, "id", "index.html", "b", path="/index.html")
    ]


def test_a_site_without_a_home_page_says_so(tmp_path):
    """Material links its logo to the home page; a site built without docs/index.md has none."""
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "index.html").write_text('<a href="..">Home</a>')
    [broken] = linkcheck.check_site(tmp_path, BASE)
    assert broken.reason == "no such file: index.html, the home page"


def test_each_page_is_read_once(site, monkeypatch):
    reads = []
    original = Path.read_text

    def counting(path, *args, **kwargs):
        reads.append(path.name)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", counting)
    (site.folder / "many.html").write_text('<a href="index.html#home"></a>' * 3 + '<a href="/sub/#home"></a>')
    site.files.add("many.html")
    assert site.check(["many.html", "index.html"]) == []
    assert sorted(reads) == ["index.html", "many.html"]


# ------------------------------------------------------------------ one parse shared with the CSP

PAGES = {
    "head and charset on their own lines": (
        '<!doctype html>\n<html>\n  <head>\n    <meta charset="utf-8">\n    <link rel="icon" href="a.png">\n'
        '  </head>\n  <body><a href="#x" id="x">x</a>\n<img src="b.png"></body>\n</html>\n'
    ),
    "a link on the line of <head>": '<html><head><meta charset="utf-8"><link href="a.css"></head>\n<a href="b"></a>',
    "head without charset": '<html>\n<head><link rel="icon" href="a.png">\n<script src="s.js"></script></head>\n'
    '<body><a href="c/">c</a></body></html>',
    "no head, a doctype": '<!DOCTYPE html><a href="one">1</a>\n<a href="two">2</a>',
    "no head, no doctype": '<p id="p"><a href="#p">p</a></p>\n<img srcset="a.png 1x, b.png 2x">',
}


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_links_read_before_the_policy_is_added_are_those_of_the_page_written(page):
    from explaining_machines.checks import csp

    links = linkcheck.LinkReader()
    protected, _ = csp.protect(page, links)
    assert links.parsed(csp.moved_down_from(protected)) == linkcheck.parse(protected)


def test_a_page_read_by_the_policy_pass_is_not_parsed_again_and_only_for_its_own_text(site):
    from explaining_machines.checks.site import SiteChecks

    checks = SiteChecks()
    protected, _ = checks.protect('<html><head></head><body><a href="index.html#home"></a></body></html>')
    page = site.folder / "remembered.html"
    page.write_text(protected)
    site.files.add("remembered.html")
    known = linkcheck.Site(site.folder, BASE, known=checks.parsed)
    known.files.add("remembered.html")
    assert known.check(["remembered.html"]) == []
    # A parse kept for another text is never used: the file as written is read.
    page.write_text(protected.replace("#home", "#nowhere"))
    fresh = linkcheck.Site(site.folder, BASE, known=checks.parsed)
    [broken] = fresh.check(["remembered.html"])
    assert broken.fragment == "nowhere"


def test_the_link_check_uses_what_the_policy_pass_read(site, monkeypatch):
    from explaining_machines.checks.site import SiteChecks

    checks = SiteChecks()
    protected, _ = checks.protect('<html><head></head><body><a href="index.html#home"></a></body></html>')
    (site.folder / "read.html").write_text(protected)
    parsed, parse = [], linkcheck.parse
    monkeypatch.setattr(linkcheck, "parse", lambda text: parsed.append(text) or parse(text))
    broken = checks.broken_links(site.folder, BASE)
    assert protected not in parsed  # every other page was parsed, this one not
    assert len(parsed) == sum(name.endswith(".html") for name in SITE)
    assert "read.html" not in {b.page for b in broken}


# ------------------------------------------------------------------ tracing a link to its Markdown line

SOURCES = {"other/index.html": "other.md", "blog/2024/01/02/b/index.html": "blog/posts/b.md"}


@pytest.mark.parametrize(
    ("markdown", "broken", "page_src", "origin"),
    [
        (
            '# P\n\n<img src="img/missing.png" alt="">\n',
            BrokenLink("p/index.html", "img/missing.png", 9, "file", "p/img/missing.png"),
            "p.md",
            Origin(3, "img/missing.png"),
        ),
        (  # a longer path or name that merely contains the URL is not it
            "# P\n\n![a](x/img/missing.png) ![b](img/missing.png2)\n\n![c](img/missing.png)\n",
            BrokenLink("p/index.html", "img/missing.png", 9, "file", "p/img/missing.png"),
            "p.md",
            Origin(5, "img/missing.png"),
        ),
        (  # MkDocs rewrote other.md#nope into other/#nope: the Markdown's form is reported
            "# P\n\nSee [other](other.md#nope).\n",
            BrokenLink("index.html", "other/#nope", 9, "id", "other/index.html", "nope"),
            "index.md",
            Origin(3, "other.md#nope"),
        ),
        (
            "---\ndate: 2024-01-01\n---\n\n# A\n\nSee [b](./b.md#gone).\n",
            BrokenLink(
                "blog/2024/01/01/a/index.html", "../../02/b/#gone", 9, "id", "blog/2024/01/02/b/index.html", "gone"
            ),
            "blog/posts/a.md",
            Origin(7, "b.md#gone"),
        ),
        (  # another spelling of the path: found by its fragment, shown as the HTML has it
            "# P\n\nSee [other](/other.md#nope).\n",
            BrokenLink("index.html", "other/#nope", 9, "id", "other/index.html", "nope"),
            "index.md",
            Origin(3, "other/#nope"),
        ),
        (  # a root-absolute path that a hook made relative: from the site's root...
            "# P\n\nBack to [the start](/sub/start/).\n",
            BrokenLink(
                "p/index.html", "../sub/start/", 9, "file", "sub/start/index.html", None, "/sub/", "/sub/sub/start/"
            ),
            "p.md",
            Origin(3, "/sub/start/"),
        ),
        (  # ...or from the host's
            '# P\n\n<img src="/img/x.png?v=2#only-dark" alt="">\n',
            BrokenLink("p/index.html", "../img/x.png?v=2#only-dark", 9, "file", "img/x.png", None, "/", "/img/x.png"),
            "p.md",
            Origin(3, "/img/x.png?v=2#only-dark"),
        ),
        (  # text in code is not a link: the occurrence outside code wins
            "# P\n\n```md\n[x](#nowhere)\n```\n\n[x](#nowhere)\n",
            BrokenLink("p/index.html", "#nowhere", 9, "id", "p/index.html", "nowhere"),
            "p.md",
            Origin(7, "#nowhere"),
        ),
        (
            '# P\n\n<img src="a.png?x=1&amp;y=2" alt="">\n',
            BrokenLink("p/index.html", "a.png?x=1&y=2", 9, "file", "p/a.png"),
            "p.md",
            Origin(3, "a.png?x=1&y=2"),
        ),
        (  # an anchor a Markdown extension wrote: not in the source
            "# P\n\nA note[^x].\n\n[^x]: Text.\n",
            BrokenLink("p/index.html", "#fn:y", 9, "id", "p/index.html", "fn:y"),
            "p.md",
            None,
        ),
    ],
)
def test_trace(markdown, broken, page_src, origin):
    assert linktrace.trace(markdown, broken, page_src, SOURCES) == origin


# ------------------------------------------------------------------ the hook, end to end (small sites)


def test_messages_name_the_markdown_line_or_the_html_once_for_every_page_sharing_it():
    def broken(page, url, line, target, fragment=None, kind="file"):
        return BrokenLink(page, url, line, kind, target, fragment, BASE)

    links = [
        broken("a/index.html", "../img/gone.png", 12, "img/gone.png"),  # written in a.md
        broken("a/index.html", "../theme.css", 3, "theme.css"),  # the theme's, on every page
        broken("b/index.html", "../theme.css", 3, "theme.css"),
        broken("404.html", "/sub/theme.css", 3, "theme.css"),  # a page the build generated
        broken("nb/index.html", "#cell", 40, "nb/index.html", "cell", "id"),  # from a notebook
    ]
    sources = {"a/index.html": "a.md", "b/index.html": "b.md", "nb/index.html": "nb.ipynb"}
    texts = {"a.md": "# A\n\n![Gone](../img/gone.png)\n", "b.md": "# B\n"}
    read = []

    def reader(src_uri):
        read.append(src_uri)
        return texts[src_uri]

    assert linktrace.messages(links, sources, "docs", reader) == [
        "docs/a.md:3: broken link '../img/gone.png' (no such file: img/gone.png)",
        "docs/a.md (a/index.html:3): broken link '../theme.css' (no such file: theme.css); the same on 2 other pages",
        "docs/nb.ipynb (nb/index.html:40): broken link '#cell' (no such id 'cell' on this page)",
    ]
    assert read == ["a.md", "b.md"]  # each source read once; a notebook's JSON never


BLOG_CONFIG = SMALL_CONFIG.replace(
    "plugins:\n  - search\n",
    """plugins:
  - search
  - tags
  - blog:
      authors_file: "{{blog}}/.authors.yml"
  - rss:
      match_path: "blog/posts/.*"
      use_git: false
      date_from_meta:
        as_creation: date.created
""",
)
AVATAR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 2 2"><rect width="2" height="2"/></svg>'


def blog_site(folder: Path, posts: dict[str, str]) -> Path:
    """Material's blog with its RSS feeds and tags, one author ('editors') and `posts`."""
    authors = "authors:\n  editors:\n    name: Editors\n    description: The editors\n    avatar: avatar.svg\n"
    pages = {"index.md": "# Home\n", "avatar.svg": AVATAR, "blog/index.md": "# Blog\n", "blog/.authors.yml": authors}
    pages.update({f"blog/posts/{name}": text for name, text in posts.items()})
    return make_site(folder, pages, config=BLOG_CONFIG)
