"""Issue 22's silently wrong pages and misleading errors, each bullet a test that names it.

Each of these gave a wrong page with exit 0 (or an error that sent the author the wrong
way) before; now the page is right or the build stops with the file and line.
"""

from __future__ import annotations

import markdown
import pytest

from explaining_machines import computed
from figures import values
from figures.errors import FigureError


def _value_page(shown: str) -> str:
    text = 'Accuracy {% value "model.holdout_accuracy" %} here.'
    [tag] = computed.find_value_tags(text)
    return markdown.markdown(computed.replace_values(text, [(tag, shown)]))


@pytest.mark.parametrize("fill", ["*", "_", "`", "$", "~", "[", "\\", "<", "&"])
def test_a_values_output_is_text_not_markdown(fill):
    """Silently wrong: "a value's output is read again as Markdown: a format= fill of *, _ or
    a backtick makes bold text or code"."""
    shown = format(0.974, f"{fill}^12.1%")
    page = _value_page(shown)
    assert "<strong>" not in page and "<em>" not in page and "<code>" not in page
    import html

    assert html.unescape(page) == f"<p>Accuracy {shown} here.</p>"


def test_a_fill_of_spaces_at_a_lines_start_makes_no_code_block():
    text = '{% value "model.holdout_accuracy" %}\n'
    [tag] = computed.find_value_tags(text)
    page = markdown.markdown(computed.replace_values(text, [(tag, format(0.974, ">12.1%"))]))
    assert "<pre>" not in page and "97.4%" in page


def test_a_percentage_of_a_count_is_refused():
    """Silently wrong: "format=".2%" on a count gives 450000.00%"."""
    with pytest.raises(FigureError, match=r"format '\.2%' shows a share as a percentage, but this value is a count"):
        values.formatted(4500, "count", ".2%")
    assert values.formatted(0.974, "share", ".2%") == "97.40%"


@pytest.mark.parametrize("spec", [">3000000", ".400f", "^99"])
def test_a_fill_width_of_millions_is_refused(spec):
    """Silently wrong: "a fill width of three million puts 3 MB of spaces in the page"."""
    with pytest.raises(FigureError, match="asks for more than 40 characters or 15 digits"):
        values.formatted(0.5, "number", spec)


def test_a_format_that_is_no_format_says_so():
    with pytest.raises(FigureError, match="is no Python format specification"):
        values.formatted(0.5, "number", "%.2f")


def _publishing(tmp_path, lines: str):
    """A project whose mkdocs.yml, in `tmp_path`, has `lines` under figures.publish."""
    import yaml

    from explaining_machines.settings import load
    from figures import Project

    text = f"site_name: t\nextra:\n  project:\n    cache_dir: c\n    figures:\n      publish:\n{lines}"
    (tmp_path / "mkdocs.yml").write_text(text)
    return Project(load(yaml.safe_load(text)["extra"]["project"], tmp_path))


def test_a_publish_path_given_twice_is_an_error_with_both_lines(tmp_path):
    """Silently wrong: "figures.publish overwrites silently: a path given twice (the last wins)"."""
    project = _publishing(tmp_path, "        a.png: lime-digit\n        b.png: shap-digit\n        a.png: shap-grid\n")
    with pytest.raises(FigureError) as error:
        project.published()
    assert str(error.value) == (
        "mkdocs.yml:9: extra.project.figures.publish: 'a.png': the path is given twice (lines 7, 9); keep one"
    )


def test_a_path_and_its_dark_variant_are_one_address(tmp_path):
    project = _publishing(tmp_path, "        a.png: lime-digit\n        a.dark.png: shap-digit\n")
    with pytest.raises(FigureError, match=r"^mkdocs.yml:8: .*'a.dark.png': the same site path as 'a.png'"):
        project.published()


def test_another_figures_stable_address_cannot_be_published_over(tmp_path):
    """Silently wrong: "figures.publish overwrites ... another figure's stable address
    (assets/figures/shap-digit.png: lime-digit)"."""
    project = _publishing(tmp_path, "        assets/figures/shap-digit.png: lime-digit\n")
    with pytest.raises(FigureError) as error:
        project.published()
    assert str(error.value).startswith(
        "mkdocs.yml:7: extra.project.figures.publish: 'assets/figures/shap-digit.png': assets/figures/ holds the "
        "figures' own files and stable addresses"
    )


@pytest.mark.parametrize("document", ["assets/lime.png", "assets/lime.dark.png"])
def test_an_image_the_author_put_in_docs_is_not_overwritten(tmp_path, document):
    """Silently wrong: "figures.publish overwrites ... an image the author put in docs/"."""
    from figures import publish

    project = _publishing(tmp_path, "        /assets/lime.png: lime-digit digit=3\n")
    paths = project.published()
    with pytest.raises(FigureError) as error:
        publish.conflicts(project, paths, {"index.md", document})
    assert str(error.value) == (
        f"mkdocs.yml:7: extra.project.figures.publish: '/assets/lime.png': docs/{document} is a file of the site "
        "already; publish the figure under another path, or remove that file"
    )
    publish.conflicts(project, paths, {"index.md", "assets/other.png"})  # no conflict, no error


def test_a_jekyll_locator_reads_as_a_page():
    """Authoring: "{% cite key -l 208 %} reads "[1, 208]" without "p."" (jekyll-scholar labels
    a locator "page" unless -L says otherwise)."""
    from explaining_machines.citations import Reference, find_citations, render_citations

    refs = {"rudin2019stop": Reference("rudin2019stop", "1", "T", "Title", "Rudin", "2019")}
    text = "As argued {% cite rudin2019stop -l 208 %} and {% cite rudin2019stop -l 3-4 %}.\n"
    page = render_citations(text, find_citations(text), refs, author_year=False).markdown
    assert "{#cite-rudin2019stop-1 .citation}, p. 208&#93;" in page
    assert "{#cite-rudin2019stop-2 .citation}, pp. 3-4&#93;" in page


@pytest.mark.parametrize("body", ["see @fig-x", "@fig-x; @rudin2019stop", "@rudin2019stop"])
def test_the_fix_a_link_message_suggests_is_accepted(body):
    """Errors that mislead: "the 'reads as both a citation and a link' message suggests
    [\\see @fig-x](, which gives the same error again (the backslash belongs before @)"."""
    import re

    from explaining_machines.citations import CitationError, find_citations

    keys = {"fig-x", "rudin2019stop"}.__contains__
    with pytest.raises(CitationError) as error:
        find_citations(f"Read [{body}](https://example.org).\n", keys=keys)
    suggested = re.search(r"or '(\[.*?\]\()' for a link", error.value.message)[1]
    assert find_citations(f"Read {suggested}https://example.org).\n", keys=keys) == []


def test_a_figure_label_may_hold_any_letter_as_an_equations_may():
    """Errors that mislead: "id="fig-größe" is refused while equation labels accept Unicode"."""
    from explaining_machines.citations import find_citations

    [tag] = computed.find_figure_tags('{% figure "shap-digit" id="fig-größe" %}\n')
    assert tag.label == "fig-größe"
    [citation] = find_citations("See @fig-größe.\n", keys={"fig-größe"}.__contains__)
    assert citation.items[0].key == "fig-größe"
    with pytest.raises(computed.TagError, match="starts with 'fig-'"):
        computed.find_figure_tags('{% figure "shap-digit" id="fig-a b" %}\n')


def test_the_readmes_figure_parameters_are_the_recipes():
    """Errors that mislead: "the README documents a lime-digit parameter negligible that does
    not exist". The README's table of parameters lists exactly what each recipe declares."""
    import re
    from pathlib import Path

    from figures.recipes import discover

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = readme.split("| figure | parameter | accepts | default |\n| --- | --- | --- | --- |\n", 1)[1]
    documented, names = set(), []
    for row in table.split("\n\n", 1)[0].splitlines():
        figure, parameter = (cell.strip() for cell in row.strip("|").split("|")[:2])
        names = re.findall(r"`([^`]+)`", figure) or names  # an empty cell: the row above's figures
        documented |= {(name, p) for name in names for p in re.findall(r"`([^`]+)`", parameter)}
    declared = {(name, p) for name, recipe in discover().items() for p in recipe.parameters}
    assert documented == declared


def _apparatus(tmp_path, bib: str = ""):
    """An apparatus over a project in `tmp_path` whose references.bib holds `bib`."""
    from explaining_machines import settings
    from explaining_machines.citations.apparatus import Apparatus

    (tmp_path / "references.bib").write_text(bib)
    (tmp_path / "docs").mkdir(exist_ok=True)
    return Apparatus(settings.load({}, tmp_path), lambda level, message: None)


def _read(apparatus, tmp_path, name: str, text: str):
    """`text` written as docs/`name` and read by `apparatus`."""
    path = tmp_path / "docs" / name
    path.write_text(text)
    apparatus.read(name, path, text)
    return path


def test_a_bib_key_that_starts_like_a_label_can_be_cited_braced():
    """Errors that mislead: "a .bib key starting fig-, eq- or tbl- cannot be cited even as
    @{fig-data2020}, reported as an unknown label"."""
    from explaining_machines.citations import Reference, find_citations, render_citations

    refs = {"fig-data2020": Reference("fig-data2020", "1", "T", "Figures of 2020", "Doe", "2020")}
    text = "As [@{fig-data2020}] shows, and @{fig-data2020} too.\n"
    found = find_citations(text, keys={"fig-data2020"}.__contains__)
    assert [item.is_reference for c in found for item in c.items] == [False, False]
    page = render_citations(text, found, refs, author_year=False).markdown
    assert page.count("(#ref-fig-data2020") == 2


def test_an_unbraced_bib_key_that_starts_like_a_label_says_how_to_cite_it(tmp_path):
    from explaining_machines.errors import SourceError

    apparatus = _apparatus(tmp_path, "@misc{fig-data2020,\n  title = {Figures},\n  year = {2020}\n}\n")
    _read(apparatus, tmp_path, "a.md", "# A\n\nAs @fig-data2020 shows.\n")
    with pytest.raises(SourceError) as error:
        apparatus.check()
    assert str(error.value) == (
        "docs/a.md:3: '@fig-data2020' reads as a cross-reference, but it is a key of the bibliography: "
        "cite it as @{fig-data2020}"
    )


@pytest.mark.parametrize("text", ["As @rudin2019stop\n[p. 30] argues.\n", "As @rudin2019stop\n  [p. 30] argues.\n"])
def test_an_in_text_locator_on_the_next_line_belongs_to_its_key(text):
    """Silently wrong: "an in-text locator on the next line (@key at a line's end, [p. 30]
    on the next) stays literal text"."""
    from explaining_machines.citations import find_citations

    [citation] = find_citations(text, keys={"rudin2019stop"}.__contains__)
    assert citation.items[0].suffix == "p. 30" and text[citation.end :] == " argues.\n"


@pytest.mark.parametrize("text", ["As @rudin2019stop\n\n[p. 30] opens a paragraph.\n",
                                  "As @rudin2019stop\n[a link](https://example.org).\n",
                                  "As @rudin2019stop\n[ref]: https://example.org\n"])  # fmt: skip
def test_a_bracket_on_the_next_line_that_is_no_locator_stays(text):
    from explaining_machines.citations import find_citations

    [citation] = find_citations(text, keys={"rudin2019stop"}.__contains__)
    assert citation.items[0].suffix == ""


def test_two_figures_of_one_recipe_download_as_two_files():
    """Authoring: "two figures of one recipe on a page both download their data as the same
    file name"."""
    from explaining_machines.computed.pages import _figure_name
    from figures.recipes import discover

    recipes = discover()
    shap = recipes["shap-digit"]
    names = {
        _figure_name(shap, {"name": "shap-digit", "digit": 7, "index": 0, "misclassified": False}),
        _figure_name(shap, {"name": "shap-digit", "digit": 3, "index": 2, "misclassified": False}),
        _figure_name(shap, {"name": "shap-digit", "digit": 3, "index": 2, "misclassified": True}),
    }
    assert names == {"shap-digit", "shap-digit-digit3-index2", "shap-digit-digit3-index2-misclassified"}
    grid = _figure_name(recipes["shap-grid"], {"name": "shap-grid", "digits": [1, 2]})
    assert grid == "shap-grid-digits1_2"


@pytest.mark.parametrize(
    ("caption", "message"),
    [
        ("Ends </figure> here", "a caption cannot hold '</figure>', which would end the figure there (in code too); "
                                "write it as &lt;/figure&gt; outside code"),
        ("Code `</figcaption>` too", "a caption cannot hold '</figcaption>'"),
        ("A <FIGURE> inside", "a caption cannot hold '<FIGURE>'"),
        ("Another {% figure 'shap-grid' %} inside", "a caption cannot hold a figure tag"),
    ],
)  # fmt: skip
def test_a_caption_that_would_break_its_figure_names_its_line(caption, message):
    """Silently wrong: "</figure> in a caption closes the figure; a figure tag in a caption is
    shown as text"."""
    quoted = caption.replace('"', '\\"')
    with pytest.raises(computed.TagError) as error:
        computed.find_figure_tags(f'# A\n\n{{% figure "shap-digit" caption="{quoted}" %}}\n')
    assert error.value.line == 3 and error.value.message.startswith(message)


def test_a_label_a_new_post_repeats_is_reported_in_the_new_post(tmp_path):
    """Errors that mislead: "a label error caused by a new post is reported in an older post"."""
    import os

    from explaining_machines.errors import SourceError

    apparatus = _apparatus(tmp_path)
    pages = {
        "old.md": "# Old\n\nSee @fig-x on the other page.\n",
        "a.md": '# A\n\n{% figure "shap-digit" id="fig-x" %}\n',
        "new.md": '# New\n\nText.\n\n{% figure "lime-digit" id="fig-x" %}\n',
    }
    for number, (name, text) in enumerate(pages.items()):
        path = tmp_path / "docs" / name
        path.write_text(text)
        os.utime(path, (1_700_000_000 + number, 1_700_000_000 + number))  # new.md is the newest
        apparatus.read(name, path, text)
    with pytest.raises(SourceError) as error:
        apparatus.check()
    assert str(error.value) == (
        "docs/new.md:5: label 'fig-x' is defined here and in docs/a.md:3, and docs/old.md:3 refers to it from "
        "another page, which cannot tell them apart: rename one of them"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('--8<-- "code.py:trian"', "snippet 'code.py:trian': code.py has no section 'trian'; did you mean 'train'? "
                                   "(sections: train, plot)"),
        ("--8<-- 'missing.py'", "snippet file 'missing.py' is not in the snippets' base paths (BASE)"),
    ],
)  # fmt: skip
def test_a_missing_snippet_section_names_the_page_line(tmp_path, line, message):
    """Errors that mislead: "a missing snippet section prints a Python traceback without a line"."""
    from explaining_machines.source import snippets

    (tmp_path / "code.py").write_text("# --8<-- [start:train]\nx = 1\n# --8<-- [end:train]\n"
                                      "# --8<-- [start:plot]\ny = 2\n# --8<-- [end:plot]\n")  # fmt: skip
    page = f'# A\n\n```python\n{line}\n```\n\n;--8<-- "escaped.py"\n'
    with pytest.raises(snippets.SnippetError) as error:
        snippets.Includes({"base_path": [str(tmp_path)]}).check(page, 3)
    assert (error.value.line, error.value.message) == (6, message.replace("BASE", str(tmp_path)))
    ranges = ['--8<-- "code.py:train"', '--8<-- "code.py:1:2,4:5"', '--8<-- "code.py:-2"', '--8<-- "code.py" ']
    for fine in ranges:  # a section it has, line ranges as pymdownx.snippets reads them, a trailing space
        snippets.Includes({"base_path": [str(tmp_path)]}).check(page.replace(line, fine), 3)


def test_a_snippet_line_that_names_no_file_names_the_page_line(tmp_path):
    """pymdownx.snippets with check_paths fails on it with a traceback and no line."""
    from explaining_machines.source import snippets

    for empty in ('--8<-- " "', "--8<-- ':3'"):
        with pytest.raises(snippets.SnippetError) as error:
            snippets.Includes({"base_path": [str(tmp_path)], "check_paths": True}).check(f"# A\n\n{empty}\n", 1)
        assert (error.value.line, error.value.message) == (3, f"snippet line {empty!r} names no file")
    snippets.Includes({"base_path": [str(tmp_path)]}).check('# A\n\n--8<-- " "\n', 1)  # without: silently empty


@pytest.mark.parametrize(
    ("page", "line", "message"),
    [
        ('---\ntitle: "Accuracy {% value \\"model.holdout_accuracy\\" %}"\n---\n\n# A\n', 2,
         "the title holds a tag, which would reach the page's address, head tags, feeds and citation raw; "
         "write the text itself"),
        ("---\ntitle: T\ndescription: As [@rudin2019stop] says\n---\n\n# A\n", 3,
         "the description holds a citation or a cross-reference"),
        ("# Why @rudin2019stop is right\n\nText.\n", 1, "the page's first heading is its title"),
        ("# See @fig-x\n\nText.\n", 1, "the page's first heading is its title"),
    ],
)  # fmt: skip
def test_a_title_or_description_holds_text_only(tmp_path, page, line, message):
    """Silently wrong: "a {% value %}, citation or cross-reference in a post's title or
    description reaches the URL slug, citation_title, Cite this post, the BibTeX entry, the
    feeds and the search index raw"."""
    from explaining_machines.errors import SourceError

    apparatus = _apparatus(tmp_path, "@misc{rudin2019stop,\n  title = {Stop},\n  year = {2019}\n}\n")
    with pytest.raises(SourceError) as error:
        _read(apparatus, tmp_path, "a.md", page)
        apparatus.check()
    assert str(error.value).startswith(f"docs/a.md:{line}: {message}")


def test_a_heading_under_a_front_matter_title_may_cite(tmp_path):
    apparatus = _apparatus(tmp_path, "@misc{rudin2019stop,\n  title = {Stop},\n  year = {2019}\n}\n")
    _read(apparatus, tmp_path, "a.md", "---\ntitle: Plain\n---\n\n# Why @rudin2019stop is right\n")
    apparatus.check()


def test_raw_text_in_a_caption_is_honoured():
    """Errors that mislead: "{% raw %} inside a caption is not honoured (three different wrong
    outcomes, one a References link to a citation that is not there)"."""
    from explaining_machines.citations import find_citations
    from explaining_machines.source import mdscan

    source = '{% figure "shap-digit" caption="Write {% raw %}[@rudin2019stop]{% endraw %}{x} as text." %}\n'
    assert find_citations(source, keys={"rudin2019stop"}.__contains__) == []  # no citation, no error
    [tag] = computed.find_figure_tags(source)
    assert "{% raw %}" in tag.caption  # the caption keeps its markers until the page is rendered
    rendered = f'<figcaption markdown="span">{tag.caption}</figcaption>\n'
    assert find_citations(rendered, keys={"rudin2019stop"}.__contains__) == []
    assert (
        mdscan.strip_raw_markers(rendered)
        == '<figcaption markdown="span">Write [@rudin2019stop]{x} as text.</figcaption>\n'
    )


def test_a_reference_to_another_pages_figure_shows_its_caption_as_that_page_does():
    """Silently wrong: "a cross-post reference's hover text shows the caption with raw
    citations and without its values; a cross-post equation's shows raw TeX"."""
    from explaining_machines.citations import tooltips, xref

    other_page = (
        '<figure class="computed-figure" id="fig-acc"><p><img alt="" src="a.png"></p><figcaption>'
        '<span class="figure-number">Figure 2:</span> Accuracy of 97.4%, as <a class="citation" '
        'href="#ref-rudin2019stop">[1]</a> argues<sup id="fnref:n"><a href="#fn:n">1</a></sup>.</figcaption></figure>'
    )
    captions = tooltips.Captions()
    captions.read(other_page)
    figure = xref.Label("fig-acc", "fig", "2", 'Accuracy of {% value "model.holdout_accuracy" %}', 3)
    equation = xref.Label("eq-sum", "eq", "1", "\\begin{aligned} a &= b \\end{aligned}", 5)
    assert tooltips.title(equation, same_page=False) == ""
    written = f'<a class="crossref" href="../a/#fig-acc" title="{tooltips.title(figure, same_page=False)}">Figure 2</a>'
    assert captions.fill(written) == (
        '<a class="crossref" href="../a/#fig-acc" title="Accuracy of 97.4%, as [1] argues.">Figure 2</a>'
    )
    assert tooltips.Captions().fill(written) == '<a class="crossref" href="../a/#fig-acc">Figure 2</a>'  # unknown


def test_a_footnote_in_a_caption_keeps_one_back_link(tmp_path):
    """Errors that mislead: "a footnote in a caption breaks its back-link and is named by an
    HTML line". Each reference to the figure on its page copied the caption's `[^b]` into its
    hover text, where the footnotes extension counted it again: the note got three back-links,
    two to ids no element had, which the link check reported by the built HTML's line."""
    import re

    source = (
        "# A\n\nSee @fig-imp and a first note[^a].\n\n"
        '{% figure "feature-importance" id="fig-imp" caption="Importance, two ways[^b]." %}\n\n'
        "Again @fig-imp.\n\n[^a]: The first note.\n[^b]: How importance is computed.\n"
    )
    apparatus = _apparatus(tmp_path)
    _read(apparatus, tmp_path, "a.md", source)
    apparatus.check()
    [tag] = computed.find_figure_tags(source)
    view = computed.FigureView("l.png", "d.png", 10, 10, "alt", "t", "feature-importance", {})
    figured = computed.replace_figures(source, [(tag, computed.render_figure(tag, view, "fig-imp"))])
    page = markdown.markdown(apparatus.render("a.md", figured), extensions=["footnotes", "md_in_html", "attr_list"])
    ids = set(re.findall(r'\bid="([^"]+)"', page))
    back = re.findall(r'class="footnote-backref" href="#([^"]+)"', page)
    assert back == ["fnref:a", "fnref:b"]  # one back-link each, both to an element of the page
    assert set(back) <= ids
    assert re.search(r'<figcaption><span class="figure-number">Figure 1:</span> Importance, two ways<sup id="fnref:b">',
                     page)  # fmt: skip
    assert page.count('href="#fig-imp"') == 2 and "[^b]" not in page
