"""What authors write, built into small sites: cross-references, citations, the scholarly
apparatus, and hostile input, each with the exact page or the exact message.

These sites compute no figure, so each build takes a second or two.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, blog_site, make_site, mkdocs, snapshot

pytestmark = pytest.mark.slow

BIB = (
    (ROOT / "references.bib").read_text()
    + """
@article{smith:2019, author = {Smith, Ann}, title = {Colon}, journal = {J}, year = {2019}}
@article{smith-2019, author = {Smith, Bob}, title = {Dash}, journal = {J}, year = {2019}}
@article{smith.2019, author = {Smith, Cy}, title = {Dot}, journal = {J}, year = {2019}}
"""
)


def post(title: str, body: str, date: str = "2024-01-02", extra: str = "") -> str:
    return f"---\ntitle: '{title}'\ndate: {date}\nauthors: [editors]\n{extra}---\n\n# The post\n\n{body}"


def html_of(site: Path, path: str) -> str:
    return (site / "site" / path).read_text()


def article(site: Path, path: str) -> str:
    text = html_of(site, path)
    return text[text.index("<article") : text.index("</article>")]


def built(site: Path, *args: str) -> str:
    done = mkdocs(site, "--strict", *args)
    assert done.returncode == 0, done.stdout
    assert "Traceback" not in done.stdout
    return done.stdout


def failed(site: Path) -> str:
    before = snapshot(site / "docs")
    done = mkdocs(site)
    assert done.returncode == 1, done.stdout
    assert "Traceback" not in done.stdout
    assert snapshot(site / "docs") == before  # nothing an author wrote is touched
    return done.stdout


POST_A = "blog/2024/01/02/a/index.html"
EQUATIONS = """Before @eq-first and [see @eq-second, left side] and [-@tbl-runs].

$$
a = b + c
$$ {#eq-first}

| run | seconds |
|-----|---------|
| 1   | 33      |

: Training runs {#tbl-runs}

$$ x^2 $$ {#eq-second}

As @tbl-runs shows, `@eq-first` in code stays, and so does this:

```
[@eq-first] {#eq-nothing}
```
"""


def test_equations_and_tables_are_numbered_and_referenced(tmp_path):
    site = blog_site(tmp_path / "s", {"a.md": post("A", EQUATIONS)})
    built(site)
    page = article(site, POST_A)
    assert page.count('class="math-display math-numbered"') == 2
    assert re.search(r'<div class="math-display math-numbered" id="eq-first">.*?<span class="equation-number">\(1\)'
                     r"</span></div>", page, re.S)  # fmt: skip
    assert re.search(r'id="eq-second">.*?\(2\)</span>', page, re.S)
    assert '<figure class="numbered-table" id="tbl-runs">' in page
    assert '<figcaption><span class="table-number">Table 1:</span> Training runs</figcaption>' in page
    # No title on a same-page reference: crossref.js previews the target, and Material's tooltip stays away.
    assert re.search(r'Before <a class="crossref" href="#eq-first">Equation 1</a> and see '
                     r'<a class="crossref" href="#eq-second">Equation 2</a>, left side and '
                     r'<a class="crossref" href="#tbl-runs">1</a>', page)  # fmt: skip
    assert 'As <a class="crossref" href="#tbl-runs">Table 1</a> shows' in page
    assert "<code>@eq-first</code>" in page and "[@eq-first] {#eq-nothing}" in page


def test_a_reference_to_another_post_says_whose(tmp_path):
    site = blog_site(
        tmp_path / "s",
        {"a.md": post("Post A", EQUATIONS), "b.md": post("Post B", "As @eq-first of the other post.", "2024-02-03")},
    )
    built(site)
    page = article(site, "blog/2024/02/03/post-b/index.html")
    # No title: an equation's TeX is no tooltip (issue 22); the link says whose equation it is.
    assert ('As <a class="crossref" href="../../../01/02/post-a/#eq-first">Equation 1 in '
            "<em>Post A</em></a> of the other post.") in page  # fmt: skip


def test_the_blog_index_excerpts_keep_working_links_and_unique_ids(tmp_path):
    excerpt = "Cites [@rudin2019stop] and shows @eq-e.\n\n$$ e $$ {#eq-e}\n\n<!-- more -->\n\nMore.\n"
    site = blog_site(tmp_path / "s", {"a.md": post("A", excerpt), "b.md": post("B", excerpt, "2024-02-03")})
    built(site)  # the link check of --strict covers every href of the index
    index = html_of(site, "blog/index.html")
    assert 'href="2024/01/02/a/#ref-rudin2019stop"' in index and 'href="2024/02/03/b/#ref-rudin2019stop"' in index
    assert 'href="2024/01/02/a/#eq-e"' in index
    ids = re.findall(r'\bid="(cite-[^"]+)"', index)
    assert len(ids) == 2 and len(set(ids)) == 2
    every_id = re.findall(r'\sid="([^"]+)"', index)
    assert len(every_id) == len(set(every_id)) and "eq-e-2" in every_id  # two excerpts, one label each


def test_a_post_can_be_cited_from_its_head_its_section_and_its_bib_file(tmp_path):
    from pybtex.database import parse_string

    body = "Cites [@rudin2019stop; @lundberg2017unified].\n"
    site = blog_site(tmp_path / "s", {"a.md": post("A <Title> & co", body, extra="slug: a\n")})
    built(site)
    page = html_of(site, POST_A)
    tags = re.findall(r'<meta name="(citation_[a-z_]+)" content="([^"]*)">', page)
    names = [name for name, _ in tags]
    assert names == [
        "citation_title",
        "citation_author",
        "citation_publication_date",
        "citation_journal_title",
        "citation_publisher",
        "citation_fulltext_html_url",
        "citation_reference",
        "citation_reference",
    ]
    values = dict(tags[:6])
    assert values == {
        "citation_title": "A &lt;Title&gt; &amp; co",
        "citation_author": "The Editors",
        "citation_publication_date": "2024/01/02",
        "citation_journal_title": "Test",
        "citation_publisher": "Test",
        "citation_fulltext_html_url": "https://example.org/sub/blog/2024/01/02/a/",
    }
    assert "Rudin" in tags[6][1] and "Lundberg" in tags[7][1]
    assert '<h2 id="cite-this-post">Cite this post' in page and "@misc" in page
    link = re.search(r'<a class="cite-download" download="([^"]+)" href="([^"]+)">', page)
    bib = parse_string((site / "site" / "blog/2024/01/02/a" / link[2]).read_text(), "bibtex")
    (entry,) = bib.entries.values()
    assert entry.fields["url"] == "https://example.org/sub/blog/2024/01/02/a/" and link[1] == f"{entry.key}.bib"
    assert (
        entry.persons["author"][0].rich_last_names[0].render_as("text") == "The Editors"
        and "{A <Title> \\& co}" in entry.fields["title"]
    )


def test_the_site_references_page_lists_every_cited_entry_with_links_back(tmp_path):
    site = blog_site(
        tmp_path / "s",
        {
            "a.md": post("A", "One [@rudin2019stop].\n"),
            "b.md": post("B", "Two @rudin2019stop and [@molnar2020interpretable].\n", "2024-02-03"),
        },
    )
    built(site)
    page = article(site, "references/index.html")
    rudin = re.search(r'<li id="ref-rudin2019stop">.*?</li>', page, re.S)[0]
    assert re.findall(r'href="([^"]+)">([AB])</a>', rudin) == [
        ("../blog/2024/01/02/a/#cite-a-rudin2019stop-1", "A"),
        ("../blog/2024/02/03/b/#cite-b-rudin2019stop-1", "B"),
    ]
    assert 'id="ref-molnar2020interpretable"' in page and "(2 entries)" in page
    post_b = html_of(site, "blog/2024/02/03/b/index.html")
    assert 'id="cite-b-rudin2019stop-1"' in post_b  # the back-link's target exists


# ------------------------------------------------------------------ hostile input, class by class

CITATION_FORMS = """A [@rudin2019stop; @molnar2020interpretable]: a colon after.

B [@rudin2019stop] (text in parentheses).

C [@rudin2019stop][^n] before a footnote.

D \\[@rudin2019stop] stays literal, and so does \\@rudin2019stop.

E @rudin2019stop [p. 3] says, [see @lundberg2017unified, sec. 3; also @molnar2020interpretable, p. **4**].

F [-@rudin2019stop], mail me@example.org, ask @someone.

[^n]: A note.
"""


def test_every_citation_form_resolves_and_the_escapes_stay_literal(tmp_path):
    site = make_site(tmp_path / "s", {"index.md": "# Home\n\n" + CITATION_FORMS})
    built(site)
    page = article(site, "index.html")
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    assert "[@" not in text.replace("[@rudin2019stop] stays literal", "")
    assert "A [1, 2]: a colon after." in text
    assert "B [1] (text in parentheses)." in text
    assert re.search(r"C \[1\]1 before a footnote", text)
    assert "D [@rudin2019stop] stays literal, and so does @rudin2019stop." in text
    assert "E Rudin [1, p. 3] says, [see 3, sec. 3; also 2, p. 4]." in text
    assert "<strong>4</strong>" in page
    assert "F [1], mail me@example.org, ask @someone." in text


def test_a_latex_error_names_the_formula_not_a_twin_in_code(tmp_path):
    """The math hook's one failing build: the page and line of the formula (the messages themselves, and the
    citations', labels' and tags' that the references hook raises, are tested in-process: tests/test_mathml.py,
    tests/test_scholar.py)."""
    page = "# Home\n\n```\n$\\frac{a}{$\n```\n\nMath $\\frac{a}{$ here.\n"
    output = failed(make_site(tmp_path / "s", {"index.md": page}))
    assert "ERROR   -  docs/index.md:7: cannot render LaTeX '\\frac{a}{'" in output


def test_raw_shows_tags_as_text_and_code_keeps_them(tmp_path):
    page = (
        '# Home\n\nWrite {% raw %}{% cite "key" %} or [@key] or {% figur "x" %}{% endraw %} as text.\n\n'
        '> ~~~\n> [@rudin2019stop] {% cite "nope" %}\n> ~~~\n'
    )
    site = make_site(tmp_path / "s", {"index.md": page})
    built(site)
    text = article(site, "index.html")
    assert (
        "Write {% cite &quot;key&quot; %} or [@key] or {% figur &quot;x&quot; %} as text."
        in text.replace("&#34;", "&quot;")
        or 'Write {% cite "key" %} or [@key] or {% figur "x" %} as text.' in text
    )
    assert "[@rudin2019stop] {% cite" in text and "raw %}" not in text


def test_citations_in_link_text_alt_text_and_raw_html(tmp_path):
    page = (
        "# Home\n\n[see [@rudin2019stop]](https://example.org) and "
        "![a plot [@rudin2019stop]](data:image/png;base64,AA==)\n\n"
        '<div class="note">\nAs [@rudin2019stop] argues.\n</div>\n\n<pre>\n[@not-a-key-here]\n</pre>\n'
    )
    site = make_site(tmp_path / "s", {"index.md": page})
    built(site)
    text = article(site, "index.html")
    assert '<a href="https://example.org">see &#91;1&#93;</a>' in text  # the browser shows "see [1]"
    assert 'alt="a plot &#91;1&#93;"' in text
    assert (
        '<div class="note">\nAs [<a class="citation" href="#ref-rudin2019stop" id="cite-index-rudin2019stop-1"' in text
    )
    assert "<pre>\n[@not-a-key-here]\n</pre>" in text


def test_keys_that_differ_only_in_punctuation_get_their_own_anchors(tmp_path):
    page = "# Home\n\n[@smith:2019; @smith-2019; @smith.2019]\n"
    site = make_site(tmp_path / "s", {"index.md": page}, bib=BIB)
    built(site)
    text = article(site, "index.html")
    targets = re.findall(r'<a class="citation" href="#([^"]+)"', text)
    ids = re.findall(r'<li id="(ref-[^"]+)">', text)
    assert len(set(targets)) == 3 and sorted(targets) == sorted(ids)


def test_a_bibliography_marker_on_a_page_with_no_citations_disappears(tmp_path):
    site = make_site(tmp_path / "s", {"index.md": "# Home\n\nNo citations.\n\n{% bibliography %}\n"})
    built(site)
    assert "bibliography" not in article(site, "index.html")


def test_bib_files_beside_posts_are_not_published(tmp_path):
    local = "@book{local2021, author = {Doe, Jane}, title = {Local}, publisher = {P}, year = {2021}}\n"
    site = blog_site(
        tmp_path / "s",
        {"a.md": post("A", "Cites [@local2021].", extra="bibliography: local.bib\n"), "local.bib": local},
    )
    built(site)
    assert not list((site / "site").rglob("local.bib"))
    assert "Local" in article(site, POST_A)


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


NASTY = '<script>alert(1)</script> & "quotes"'


def test_feeds_show_a_nasty_title_description_and_tag_as_text(tmp_path):
    meta = f"title: '{NASTY}'\ndescription: '{NASTY}'\ndate: 2024-01-02\nauthors: [editors]\ntags: ['{NASTY}']\n"
    body = f"---\n{meta}---\n\n# T\n\nText.\n"
    site = blog_site(tmp_path / "s", {"a.md": body})
    built(site)
    channel = ET.parse(site / "site" / "feed_rss_created.xml").getroot().find("channel")
    item = channel.find("item")
    assert item.findtext("title") == NASTY  # plain text in RSS
    assert NASTY in [c.text for c in item.findall("category")]
    description = _Scripts()
    description.feed(item.findtext("description"))  # HTML in RSS: it must hold no element
    assert description.tags == []
    feed = json.loads((site / "site" / "feed_json_created.json").read_text())["items"][0]
    assert feed["title"] == NASTY and NASTY in feed["tags"]
    content = _Scripts()
    content.feed(feed["content_html"])
    assert content.tags == []


def test_a_post_without_description_reaches_the_feeds_as_plain_text(tmp_path):
    body = "As @eq-e and [@rudin2019stop] show.\n\n$$ e $$ {#eq-e}\n"
    site = blog_site(tmp_path / "s", {"a.md": post("A", body)})
    built(site)
    item = ET.parse(site / "site" / "feed_rss_created.xml").getroot().find("channel").find("item")
    description = item.findtext("description")
    assert description.startswith("As Equation 1 and [1] show.")
    for leak in ("$$", "{.crossref", "&#91;", "](#", "\\tag"):
        assert leak not in description


def test_a_post_with_a_non_ascii_slug_has_a_bib_file_that_downloads(tmp_path):
    site = blog_site(
        tmp_path / "s", {"a.md": post("Über", "Text [@rudin2019stop].\n", extra="slug: über-erklärbarkeit\n")}
    )
    built(site)  # the link check of --strict follows the download link
    assert list((site / "site").rglob("über-erklärbarkeit/*.bib"))


def test_post_titles_are_plain_text_in_references_from_elsewhere(tmp_path):
    front = "---\ndate: 2024-01-02\nauthors: [editors]\n---\n\n"
    first = front + "# Post with *emph* and `code`\n\n$$ x $$ {#eq-x}\n\n[@rudin2019stop]\n"
    second = post("B", "See @eq-x.\n", "2024-02-03")
    site = blog_site(tmp_path / "s", {"a.md": first, "b.md": second})
    built(site)
    assert ">Equation 1 in <em>Post with emph and code</em></a>" in article(site, "blog/2024/02/03/b/index.html")
    assert ">Post with emph and code</a>" in article(site, "references/index.html")
