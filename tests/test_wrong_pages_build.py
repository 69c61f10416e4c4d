"""Issue 22's silently wrong pages that only a build shows: each bullet a test that names it."""

from __future__ import annotations

import pytest
from conftest import blog_site, mkdocs

pytestmark = pytest.mark.slow


def post(title: str, body: str, date: str = "2024-01-02", extra: str = "") -> str:
    return f"---\ntitle: '{title}'\ndate: {date}\nauthors: [editors]\n{extra}---\n\n# {title}\n\n{body}"


def test_a_draft_is_invisible_in_a_build(tmp_path):
    """Silently wrong: "a draft: true post is listed on the References page with a link to a
    page that is not published, and its "Cite this post" .bib is published"."""
    site = blog_site(
        tmp_path / "s",
        {
            "published.md": post("Published", "As [@rudin2019stop] argues.\n"),
            "draft.md": post(
                "Unfinished", "Only the draft cites [@molnar2020interpretable].\n", "2024-01-03", "draft: true\n"
            ),
        },  # fmt: skip
    )
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    built = site / "site"
    references = (built / "references" / "index.html").read_text()
    assert "Rudin" in references and "Molnar" not in references and "unfinished" not in references.lower()
    [bib] = built.rglob("*.bib")  # the published post's, beside its page
    assert bib.parent == built / "blog" / "2024" / "01" / "02" / "published"
    assert not (built / "blog" / "2024" / "01" / "03").exists()
    shown = [p for p in built.rglob("*") if p.suffix in (".html", ".xml", ".json") and "Unfinished" in p.read_text()]
    assert shown == []


def _fetch(url: str) -> str | None:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_serve_rebuilds_on_an_edit_of_the_root_references_bib(tmp_path):
    """Authoring: "mkdocs serve does not watch the root references.bib (an edit shows only
    after the next page edit)". The served page is the synchronisation point: it is served
    once the first build is done and the server, with its watches, runs."""
    import socket
    import subprocess
    import time

    from conftest import build_env, engine, make_site

    site = make_site(tmp_path / "s", {"index.md": "# Home\n\nAs [@rudin2019stop] argues.\n"})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(engine("serve", "--dev-addr", f"127.0.0.1:{port}"), cwd=site, env=build_env(site),
                              stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/sub/"
    try:
        deadline = time.monotonic() + 120
        while "stop explaining" not in (_fetch(url) or "").lower():
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
        bib = site / "references.bib"
        bib.write_text(bib.read_text().replace("title   = {Stop Explaining", "title   = {Please Stop Explaining"))
        deadline = time.monotonic() + 60
        while "please stop explaining" not in (_fetch(url) or "").lower():
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_a_post_without_a_separator_keeps_its_cite_block_off_the_blog_index(tmp_path):
    """Authoring: "a post without <!-- more --> puts its whole "Cite this post" block,
    BibTeX included, on the blog index"."""
    posts = {"a.md": post("Short", "No separator here [@rudin2019stop].\n"),
             "b.md": post("Long", "Intro.\n\n<!-- more -->\n\nRest.\n", "2024-01-03")}  # fmt: skip
    site = blog_site(tmp_path / "s", posts)
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    index = (site / "site" / "blog" / "index.html").read_text()
    assert "No separator here" in index and "Intro." in index
    assert "cite-this-post" not in index and "@misc" not in index
    page = (site / "site" / "blog" / "2024" / "01" / "02" / "short" / "index.html").read_text()
    assert 'id="cite-this-post"' in page  # the separator stays in the page as a comment, as an author's does


EQUATION_PAGE = r"""# Home

$$
\begin{aligned}
a &= b \\
c &= d
\end{aligned}
$$ {#eq-multi}

!!! note "A note"

    See @eq-multi here.

    $$
    x = y
    $$ {#eq-in-note}

    After the equation.

=== "Tab"

    The tab refers to @eq-multi.

    $$
    u = v
    $$ {#eq-in-tab}

    After the tab's equation.

| a | b |
| --- | --- |
| @eq-multi | 2 |

Last, @eq-in-note and @eq-in-tab.
"""


def test_equations_and_their_references_inside_admonitions_tabs_and_tables(tmp_path):
    """Silently wrong: "a reference to a multi-line equation from inside an admonition, a
    content tab or a table cell inserts raw [Equation 1](#eq-... "\\begin{aligned}... text ...; a
    labelled display equation inside an admonition or a tab is shown as raw TeX"."""
    import re

    from conftest import SMALL_CONFIG, make_site

    extensions = "  - admonition\n  - pymdownx.tabbed:\n      alternate_style: true\n  - tables\n"
    config = SMALL_CONFIG.replace("  - pymdownx.superfences\n", "  - pymdownx.superfences\n" + extensions)
    site = make_site(tmp_path / "s", {"index.md": EQUATION_PAGE}, config=config)
    done = mkdocs(site, "--strict")
    assert done.returncode == 0, done.stdout
    page = (site / "site" / "index.html").read_text()
    article = re.sub(r"<math.*?</math>", "<math/>", page[page.index("<article") : page.index("</article>")], flags=re.S)
    assert "$$" not in article and "\\begin" not in article and "<pre>" not in article
    note = article[article.index('<div class="admonition note">') : article.index('<div class="tabbed-set')]
    assert '<a class="crossref" href="#eq-multi">Equation 1</a>' in note and 'id="eq-in-note"' in note
    assert "After the equation." in note
    tab = article[article.index('<div class="tabbed-set') : article.index("<table>")]
    assert 'href="#eq-multi">Equation 1</a>' in tab and 'id="eq-in-tab"' in tab and "After the tab" in tab
    table = article[article.index("<table>") : article.index("</table>")]
    assert table.count("<tr>") == 2 and 'href="#eq-multi">Equation 1</a>' in table
    assert 'href="#eq-in-note">Equation 2</a>' in article and 'href="#eq-in-tab">Equation 3</a>' in article
