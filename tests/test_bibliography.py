from html.parser import HTMLParser

import pytest
from conftest import ROOT

from explaining_machines.citations import bibtex
from explaining_machines.mathml import to_mathml

EXPORT = ROOT / "tests" / "data" / "bib" / "reference-manager-export.bib"

EVIL = r"""@article{evil,
  author = {M{\"u}ller, J<script>rg and Doe, Jane},
  title = {Why <script>alert(1)</script> "onmouseover=x" pages 1--2},
  journal = {J. <b>Bold</b>},
  year = {2020},
  doi = {10.1/x"onmouseover=y}
}
"""


def _attributes(markup: str) -> list[tuple[str, str]]:
    """(tag, attribute) pairs of every element in `markup`, as a browser would parse them."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name) for name, _ in attrs)

    Collector().feed(markup)
    return found


def write(tmp_path, text, name="refs.bib"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def library(tmp_path, text, name="refs.bib"):
    return bibtex.Library([bibtex.load(write(tmp_path, text, name), name)])


def refs_of(tmp_path, text, cited, style="plain", author_year=False):
    """The formatted references and all problems (file's, then formatting's) of `text`."""
    lib = library(tmp_path, text)
    refs, problems = bibtex.format_references(cited, lib, style=style, author_year=author_year)
    return refs, [str(p) for p in lib.problems + problems]


def html_of(tmp_path, entry, style="plain"):
    refs, problems = refs_of(tmp_path, entry, ["e"], style=style)
    assert problems == []
    return refs["e"].html


# --------------------------------------------------------------------------- behaviour kept


def test_real_bibliography_loads():
    bib = bibtex.load(ROOT / "references.bib", "references.bib")
    assert set(bib.entries) == {"molnar2020interpretable", "ribeiro2016lime", "rudin2019stop", "lundberg2017unified"}
    assert bib.problems == ()


@pytest.mark.parametrize("style", bibtex.STYLES)
@pytest.mark.parametrize("author_year", [False, True])
def test_every_style_escapes_and_decodes(tmp_path, style, author_year):
    refs, problems = refs_of(tmp_path, EVIL, ["evil"], style=style, author_year=author_year)
    (ref,) = refs.values()
    assert problems == []
    assert "<script>" not in ref.html and "&lt;script&gt;" in ref.html
    assert "<b>" not in ref.html
    assert 'href="https://doi.org/10.1/x&quot;onmouseover=y"' in ref.html
    assert not [name for _, name in _attributes(ref.html) if name.startswith("on")]
    assert "Müller" in ref.text and "1–2" in ref.text
    if author_year:
        assert ref.label == "Müller and Doe, 2020"


def test_labels_per_style(tmp_path):
    lib = library(tmp_path, (ROOT / "references.bib").read_text())
    cited = ["rudin2019stop", "molnar2020interpretable"]

    def labels(style, author_year=False):
        refs, problems = bibtex.format_references(cited, lib, style=style, author_year=author_year)
        assert problems == []
        return [(key, ref.label) for key, ref in refs.items()]

    assert labels("numbered") == [("rudin2019stop", "1"), ("molnar2020interpretable", "2")]
    assert labels("plain") == [("molnar2020interpretable", "1"), ("rudin2019stop", "2")]
    assert labels("alpha") == [("molnar2020interpretable", "Mol20"), ("rudin2019stop", "Rud19")]
    assert labels("numbered", author_year=True) == [
        ("molnar2020interpretable", "Molnar, 2020"),
        ("rudin2019stop", "Rudin, 2019"),
    ]


@pytest.mark.parametrize(
    ("fields", "html"),
    [
        ("url={javascript:alert(1)}", "T. 2000. URL: javascript:alert(1)."),
        ("howpublished={\\href{javascript:alert(1)}{click}}", "T. click, 2000."),
        ("howpublished={\\url{ftp://example.org/x}}", "T. ftp://example.org/x, 2000."),
    ],
)
def test_only_http_links(tmp_path, fields, html):
    assert html_of(tmp_path, f"@misc{{e,\n title={{T}},\n {fields},\n year={{2000}}\n}}\n") == html


def test_missing_file(tmp_path):
    with pytest.raises(bibtex.BibliographyError) as caught:
        bibtex.load(tmp_path / "nope.bib", "nope.bib")
    assert str(caught.value) == "nope.bib: bibliography file not found"


def test_not_utf8_cannot_be_used(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_bytes(b"@misc{a,\n title={x}}\n@misc{b,\n title={M\xfcller}}\n")
    with pytest.raises(bibtex.BibliographyError) as caught:
        bibtex.load(path, "refs.bib")
    assert str(caught.value) == "refs.bib:4: not valid UTF-8"


def test_parsed_once_until_changed(tmp_path):
    path = write(tmp_path, "@article{a,\n title={x},\n year={2000}\n}\n")
    first = bibtex.load(path, "refs.bib")
    assert bibtex.load(path, "refs.bib") is first
    path.write_text("@article{b,\n title={y},\n year={2001}\n}\n")
    assert set(bibtex.load(path, "refs.bib").entries) == {"b"}


# --------------------------------------------------------------------------- problems, each with its line


@pytest.mark.parametrize(
    ("problem", "shown"),
    [
        (bibtex.Problem("refs.bib", 3, "entry 'x' is odd"), "refs.bib:3: entry 'x' is odd"),
        (
            bibtex.Problem("refs.bib", 3, "BibTeX syntax error: x", column=7),
            "refs.bib:3:7: BibTeX syntax error: x",
        ),
    ],
)
def test_problem_reads_file_line_message(problem, shown):
    assert str(problem) == shown


def test_syntax_error_skips_the_entry_with_line_and_column(tmp_path):
    path = write(tmp_path, "@article{a,\n  title = {x},\n}\n\n@article{b,\n  title = x y,\n}\n@misc{c, title={z}}\n")
    bib = bibtex.load(path, "refs.bib")
    assert [str(p) for p in bib.problems] == [
        "refs.bib:6:13: BibTeX syntax error: '}' expected; entry 'b' (line 5) is skipped"
    ]
    assert set(bib.entries) == {"a", "c"} and bib.lines == {"a": 1, "c": 8}


def test_unclosed_entry_does_not_swallow_the_next(tmp_path):
    bib = bibtex.load(write(tmp_path, "@misc{a,\n title = {x},\n\n@misc{b,\n title={y@z}\n}\n"), "refs.bib")
    assert [str(p) for p in bib.problems] == [
        "refs.bib:4:6: BibTeX syntax error: '=' expected; entry 'a' (line 1) is skipped"
    ]
    assert list(bib.entries) == ["b"] and bib.entries["b"].fields["title"] == "y@z"


def test_duplicate_keys_name_both_lines_and_keep_the_first(tmp_path):
    path = write(tmp_path, "@article{a,\n title={x},\n}\n\n@book{A,\n title={y},\n}\n")
    bib = bibtex.load(path, "refs.bib")
    assert [str(p) for p in bib.problems] == [
        "refs.bib:5: duplicate key 'A' (first defined on line 1); this one is ignored"
    ]
    assert list(bib.entries) == ["a"] and bib.entries["a"].fields["title"] == "x"


def test_duplicate_field_keeps_the_first_value(tmp_path):
    refs, problems = refs_of(tmp_path, "@misc{e,\n title={T},\n year={2019},\n Year = {2020}\n}\n", ["e"])
    assert problems == ["refs.bib:4: entry 'e' has a duplicate 'year' field; the first value is used"]
    assert refs["e"].html == "T. 2019."


def test_undefined_string_is_read_as_empty(tmp_path):
    refs, problems = refs_of(
        tmp_path,
        "@string{j = {Journal}}\n@article{e, author={Doe, Jane}, title={T}, journal=j, month=sept, year=2019}",
        ["e"],
    )
    assert problems == ["refs.bib:2: entry 'e' uses the undefined string 'sept'; read as empty"]
    assert refs["e"].html == "Jane Doe. T. <em>Journal</em>, 2019."


@pytest.mark.parametrize("bom", ["", "\ufeff"])
@pytest.mark.parametrize("newline", [" ", "\n  "])
def test_bom_and_key_on_the_next_line(tmp_path, bom, newline):
    book = f"{bom}@book{{{newline}nopub,\n author={{Doe, Jane}},\n title={{T}},\n year={{2021}}\n}}\n"
    text = book + f"\n@misc{{{newline}nopub,\n title={{x}}\n}}\n"
    lib = library(tmp_path, text)
    assert list(lib.entries) == ["nopub"] and lib.where("nopub") == ("refs.bib", 1)
    refs, problems = bibtex.format_references(["nopub"], lib, style="plain", author_year=False)
    assert [str(p) for p in lib.problems + problems] == [
        f"refs.bib:{7 if newline == ' ' else 8}: duplicate key 'nopub' (first defined on line 1); this one is ignored",
        "refs.bib:1: entry 'nopub' has no 'publisher' field, which style 'plain' needs; shown without it",
    ]
    assert refs["nopub"].html == "Jane Doe. <em>T</em>. 2021."


@pytest.mark.parametrize(
    ("entry", "problem", "html"),
    [
        (
            "@book{e, author={Doe, Jane}, title={T}, year={2021}}",
            "entry 'e' has no 'publisher' field, which style 'plain' needs; shown without it",
            "Jane Doe. <em>T</em>. 2021.",
        ),
        (
            "@book{e, title={T}, publisher={P}, year={2021}}",
            "entry 'e' has no 'author' or 'editor' field, which style 'plain' needs; shown without it",
            "<em>T</em>. P, 2021.",
        ),
        (
            "@article{e, author={Doe, Jane}, title={T}, volume={3}, pages={1--2}, year={2021}}",
            "entry 'e' has no 'journal' field, which style 'plain' needs; shown without it",
            "Jane Doe. T. 3:1–2, 2021.",
        ),
        (
            "@inproceedings{e, author={Doe, Jane}, title={T}, pages={1--2}, year={2021}}",
            "entry 'e' has no 'booktitle' field, which style 'plain' needs; shown without it",
            "Jane Doe. T. In 1–2. 2021.",
        ),
        (
            "@phdthesis{e, author={Doe, Jane}, title={T}, year={2021}}",
            "entry 'e' has no 'school' field, which style 'plain' needs; shown without it",
            "Jane Doe. <em>T</em>. PhD thesis, 2021.",
        ),
        (
            "@techreport{e, author={Doe, Jane}, title={T}, year={2021}}",
            "entry 'e' has no 'institution' field, which style 'plain' needs; shown without it",
            "Jane Doe. T. Technical Report, 2021.",
        ),
        (
            "@article{e, author={Doe, Jane}, journal={J}, year={2021}}",
            "entry 'e' has no 'title' field, which style 'plain' needs; shown without it",
            "Jane Doe. <em>J</em>, 2021.",
        ),
    ],
)
def test_missing_field_is_a_problem_and_the_entry_is_shown_without_it(tmp_path, entry, problem, html):
    refs, problems = refs_of(tmp_path, entry, ["e"])
    assert problems == [f"refs.bib:1: {problem}"]
    assert refs["e"].html == html


BROKEN = r"""@article{good1,
  author = {Alpha, Ann},
  title = {First},
  journal = {J},
  year = {2019},
}

@article{broken,
  author = {Beta, Bob},
  title = {Second} oops
  year = {2019},
}

@article{twice,
  author = {Gamma, Gil},
  title = {Third},
  journal = {J},
  year = {2019},
  year = {2020},
}

@article{good1,
  title = {Shadow},
}

@article{nojournal,
  author = {Delta, Dan},
  title = {Fourth},
  year = {2018},
}

@book{nopublisher,
  author = {Epsilon, Eve},
  title = {Fifth},
  year = {2017},
}
"""


def test_every_problem_of_a_file_at_once(tmp_path):
    cited = ["good1", "twice", "nojournal", "nopublisher"]
    refs, problems = refs_of(tmp_path, BROKEN, cited, style="unsrt")
    assert problems == [
        "refs.bib:10:20: BibTeX syntax error: '}' expected; entry 'broken' (line 8) is skipped",
        "refs.bib:19: entry 'twice' has a duplicate 'year' field; the first value is used",
        "refs.bib:22: duplicate key 'good1' (first defined on line 1); this one is ignored",
        "refs.bib:26: entry 'nojournal' has no 'journal' field, which style 'unsrt' needs; shown without it",
        "refs.bib:32: entry 'nopublisher' has no 'publisher' field, which style 'unsrt' needs; shown without it",
    ]
    assert {key: (ref.label, ref.html) for key, ref in refs.items()} == {
        "good1": ("1", "Ann Alpha. First. <em>J</em>, 2019."),
        "twice": ("2", "Gil Gamma. Third. <em>J</em>, 2019."),
        "nojournal": ("3", "Dan Delta. Fourth. 2018."),
        "nopublisher": ("4", "Eve Epsilon. <em>Fifth</em>. 2017."),
    }


# --------------------------------------------------------------------------- fidelity


CROSSREF = r"""@inproceedings{paper,
  author = {Doe, Jane},
  title = {A Paper},
  crossref = {Proc},
  pages = {1--10},
}

@proceedings{proc,
  title = {Proceedings of the Conference},
  editor = {Roe, Richard},
  publisher = {ACM},
  year = {2016},
}

@inproceedings{orphan,
  author = {Doe, Jane},
  title = {Lost},
  crossref = {nowhere},
  year = {2016},
}
"""


def test_crossref_is_followed(tmp_path):
    refs, problems = refs_of(tmp_path, CROSSREF, ["paper"])
    assert problems == []
    assert refs["paper"].html == (
        "Jane Doe. A paper. In Richard Roe, editor, <em>Proceedings of the Conference</em>, 1–10. ACM, 2016."
    )


def test_crossref_to_no_entry_is_a_problem(tmp_path):
    refs, problems = refs_of(tmp_path, CROSSREF, ["orphan"])
    assert problems == [
        "refs.bib:15: entry 'orphan' has crossref 'nowhere', which is not in refs.bib; nothing is inherited",
        "refs.bib:15: entry 'orphan' has no 'booktitle' field, which style 'plain' needs; shown without it",
    ]
    assert refs["orphan"].html == "Jane Doe. Lost. In 2016."


TWINS = r"""@article{later, author={Smith, Ann and Jones, Bob and Brown, Cy}, title={B}, journal={J}, year={2019}}
@article{earlier, author={Smith, Ann and Lee, Dee and Moore, Eve}, title={A}, journal={J}, year={2019}}
@article{alone, author={Smith, Ann}, title={C}, journal={J}, year={2019}}
"""


def test_author_year_twins_carry_the_letter_in_label_and_list(tmp_path):
    refs, problems = refs_of(tmp_path, TWINS, ["later", "alone", "earlier"], author_year=True)
    assert problems == []
    # Sorted by label, as before: "Smith et al." before "Smith," (a space sorts before a comma).
    assert [(key, ref.label, ref.html) for key, ref in refs.items()] == [
        ("later", "Smith et al., 2019a", "Ann Smith, Bob Jones, and Cy&nbsp;Brown. B. <em>J</em>, 2019a."),
        ("earlier", "Smith et al., 2019b", "Ann Smith, Dee Lee, and Eve Moore. A. <em>J</em>, 2019b."),
        ("alone", "Smith, 2019", "Ann Smith. C. <em>J</em>, 2019."),
    ]
    assert refs["later"].text == "Ann Smith, Bob Jones, and Cy Brown. B. J, 2019a."


@pytest.mark.parametrize(
    ("authors", "label", "names"),
    [
        ("Smith, Ann and others", "Smith et al., 2019", "Ann Smith et al."),
        ("Smith, Ann and Jones, Bob and others", "Smith et al., 2019", "Ann Smith, Bob Jones, et al."),
        ("Smith, Ann and Jones, Bob", "Smith and Jones, 2019", "Ann Smith and Bob Jones."),
    ],
)
def test_and_others_reads_et_al(tmp_path, authors, label, names):
    entry = f"@article{{e, author={{{authors}}}, title={{T}}, journal={{J}}, year={{2019}}}}"
    refs, problems = refs_of(tmp_path, entry, ["e"], author_year=True)
    assert problems == []
    assert refs["e"].label == label
    assert refs["e"].html == f"{names} T. <em>J</em>, 2019."


def test_editors_and_others_read_et_al(tmp_path):
    entry = "@book{e, editor={Roe, Rick and others}, title={T}, publisher={P}, year={2019}}"
    assert html_of(tmp_path, entry) == "Rick Roe et al., editors. <em>T</em>. P, 2019."


@pytest.mark.parametrize(
    ("latex", "html", "text"),
    [
        (r"A \emph{new} way", "A <em>new</em> way", "A new way"),
        (r"A \textit{new} way", "A <i>new</i> way", "A new way"),
        (r"A \textbf{new} way", "A <b>new</b> way", "A new way"),
        (r"A {\em new} way", 'A <span class="bibtex-protected"><em>new</em></span> way', "A new way"),
        (r"A {\it new} way", 'A <span class="bibtex-protected"><i>new</i></span> way', "A new way"),
        (r"\emph{a \textbf{b} c}", "<em>a <b>b</b> c</em>", "a b c"),
        (r"Al\textsubscript{0.4}Ga\textsubscript{\emph{x}}N", "Al<sub>0.4</sub>Ga<sub><em>x</em></sub>N", "Al0.4GaxN"),
        (r"E = mc\textsuperscript{2}", "E = mc<sup>2</sup>", "E = mc2"),
        (r"Al\_\{x\} and {\{1\}}", 'Al_{x} and <span class="bibtex-protected">{1}</span>', "Al_{x} and {1}"),
        (
            r"see \url{https://example.org/a\_b?x=1&y=2}",
            'see <a href="https://example.org/a_b?x=1&amp;y=2">https://example.org/a_b?x=1&amp;y=2</a>',
            "see https://example.org/a_b?x=1&y=2",
        ),
        (
            r"\href{https://example.org}{the \emph{site}}",
            '<a href="https://example.org">the <em>site</em></a>',
            "the site",
        ),
        (
            r"{\LaTeX} and \TeX{} and \LaTeX",
            '<span class="bibtex-protected">LaTeX</span> and TeX and LaTeX',
            "LaTeX and TeX and LaTeX",
        ),
        (
            r"M{\"u}ller \'{e}t\'e \$5",
            'M<span class="bibtex-protected">ü</span>ller <span class="bibtex-protected">é</span>té $5',
            "Müller été $5",
        ),
        (r"\emph{<script>}", "<em>&lt;script&gt;</em>", "<script>"),
    ],
)
def test_latex_markup_is_rendered(tmp_path, latex, html, text):
    refs, problems = refs_of(tmp_path, f"@misc{{e, howpublished={{{latex}}}}}", ["e"])
    assert problems == []
    assert refs["e"].html == html + "."
    assert refs["e"].text == text + "."


def test_markup_keeps_its_case_in_a_sentence_case_title(tmp_path):
    entry = r"@article{e, author={Doe, Jane}, title={Why \emph{SHAP} Values and {\em LIME} Differ}, year={2020}"
    assert html_of(tmp_path, entry + ", journal={J}}") == (
        'Jane Doe. Why <em>SHAP</em> values and <span class="bibtex-protected"><em>LIME</em></span> differ.'
        " <em>J</em>, 2020."
    )


def test_math_is_mathml_in_html_and_tex_in_text(tmp_path):
    refs, problems = refs_of(tmp_path, r"@misc{e, title={Area $x^2$ of $\alpha<\beta$}, year={2020}}", ["e"])
    assert problems == []
    square, less = to_mathml("x^2", False), to_mathml(r"\alpha<\beta", False)
    assert refs["e"].html == f"Area {square} of {less}. 2020."
    assert refs["e"].text == r"Area x^2 of \alpha<\beta. 2020."
    assert "<beta" not in refs["e"].html


def test_math_that_cannot_be_rendered_is_shown_as_tex(tmp_path):
    refs, problems = refs_of(tmp_path, "@misc{e, title={Area $x^$}, year={2020}}", ["e"])
    assert len(problems) == 1
    assert problems[0].startswith("refs.bib:1: entry 'e': cannot render LaTeX 'x^'")
    assert problems[0].endswith("; shown as TeX")
    assert refs["e"].html == "Area $x^$. 2020."


@pytest.mark.parametrize("style", bibtex.STYLES)
def test_a_stray_backslash_is_shown_as_written(tmp_path, style):
    entry = r"@article{e, author={Doe\}, title={T\}, journal={J}, year={2020}}"
    refs, problems = refs_of(tmp_path, entry, ["e"], style=style, author_year=True)
    assert problems == []
    assert (refs["e"].label, refs["e"].html) == ("Doe\\, 2020", r"Doe\. T\. <em>J</em>, 2020.")


@pytest.mark.parametrize(
    "doi",
    ["10.1/a_b", "https://doi.org/10.1/a_b", "http://dx.doi.org/10.1/a_b", "doi:10.1/a_b", "DOI: 10.1/a\\_b"],
)
def test_doi_written_as_url_is_linked_once(tmp_path, doi):
    html = html_of(tmp_path, f"@misc{{e, title={{T}}, year={{2020}}, doi={{{doi}}}}}")
    assert html == 'T. 2020. <a href="https://doi.org/10.1/a_b">doi:10.1/a_b</a>.'


@pytest.mark.parametrize(
    ("entry", "html"),
    [
        (
            "@online{e, author={Doe, Jane}, title={Site}, organization={Org}, url={https://a.org},"
            " urldate={2024-01-02}, date={2023-05-06}}",
            'Jane Doe. Site. Org, 2023. URL: <a href="https://a.org">https://a.org</a> (visited on 2024-01-02).',
        ),
        (
            "@software{e, author={Doe, Jane}, title={Tool}, version={1.2}, publisher={Zenodo}, year={2023}}",
            "Jane Doe. Tool. Zenodo, version 1.2, 2023.",
        ),
        (
            "@dataset{e, author={Doe, Jane}, title={Data}, year={2023}, url={https://d.org}}",
            'Jane Doe. Data. 2023. URL: <a href="https://d.org">https://d.org</a>.',
        ),
        (
            "@thesis{e, author={Doe, Jane}, title={T}, institution={Uni}, type={phdthesis}, year={2020}}",
            "Jane Doe. <em>T</em>. PhD thesis, Uni, 2020.",
        ),
        (
            "@thesis{e, author={Doe, Jane}, title={T}, school={Uni}, type={Master's thesis}, year={2020}}",
            "Jane Doe. T. Master's thesis, Uni, 2020.",
        ),
        (
            "@thesis{e, author={Doe, Jane}, title={T}, school={Uni}, type={Diplomarbeit}, year={2020}}",
            "Jane Doe. <em>T</em>. Diplomarbeit, Uni, 2020.",
        ),
        (
            "@thesis{e, author={Doe, Jane}, title={T}, school={Uni}, year={2020}}",
            "Jane Doe. <em>T</em>. PhD thesis, Uni, 2020.",
        ),
        (
            "@masterthesis{e, author={Doe, Jane}, title={T}, school={Uni}, year={2020}}",
            "Jane Doe. T. Master's thesis, Uni, 2020.",
        ),
        (
            "@mastersthesis{e, author={Doe, Jane}, title={T}, school={Uni}, year={2020}}",
            "Jane Doe. T. Master's thesis, Uni, 2020.",
        ),
        (
            "@bachelorthesis{e, author={Doe, Jane}, title={T}, school={Uni}, year={2020}}",
            "Jane Doe. <em>T</em>. Bachelor's thesis, Uni, 2020.",
        ),
        (
            "@report{e, author={Doe, Jane}, title={T}, institution={Lab}, type={techreport}, number={7}, year={2020}}",
            "Jane Doe. T. Technical Report 7, Lab, 2020.",
        ),
        (
            "@conference{e, author={Doe, Jane}, title={T}, booktitle={Conf}, year={2020}}",
            "Jane Doe. T. In <em>Conf</em>. 2020.",
        ),
        (
            "@collection{e, editor={Doe, Jane}, title={T}, publisher={P}, year={2020}}",
            "Jane Doe, editor. <em>T</em>. P, 2020.",
        ),
        (
            "@article{e, author={Doe, Jane}, title={T}, journaltitle={J}, date={2020-03}}",
            "Jane Doe. T. <em>J</em>, 2020.",
        ),
    ],
)
def test_reference_manager_types_render(tmp_path, entry, html):
    assert html_of(tmp_path, entry) == html


def test_unknown_type_renders_as_misc_with_a_problem(tmp_path):
    refs, problems = refs_of(
        tmp_path, "@presentation{e, author={Doe, Jane}, title={Talk}, organization={PyData}, year={2023}}", ["e"]
    )
    assert problems == ["refs.bib:1: entry 'e' has the unknown type 'presentation'; shown as misc"]
    assert refs["e"].html == "Jane Doe. Talk. PyData, 2023."


def test_library_merges_files_earlier_first(tmp_path):
    first = bibtex.load(write(tmp_path, "\n@misc{a, title={First}}\n", "one.bib"), "docs/one.bib")
    second = bibtex.load(write(tmp_path, "@misc{a, title={Second}}\n@misc{b, title={B}}\n", "two.bib"), "two.bib")
    lib = bibtex.Library([first, second])
    assert lib.entries["a"].fields["title"] == "First"
    assert (lib.where("a"), lib.where("b")) == (("docs/one.bib", 2), ("two.bib", 2))
    assert lib.sources == "one.bib, two.bib"
    assert bibtex.Library([]).sources == "no bibliography"


# --------------------------------------------------------------------------- a reference manager's export

EXPORT_PROBLEMS = [
    "export.bib:69: entry 'Lundberg2020' has a duplicate 'year' field; the first value is used",
    "export.bib:184: entry 'wachter2017counterfactual' uses the undefined string 'sept'; read as empty",
    "export.bib:201: entry 'adebayo2018sanity' has a duplicate 'title' field; the first value is used",
    "export.bib:235:1: BibTeX syntax error: '}' expected; entry 'lipton2018mythos' (line 224) is skipped",
    "export.bib:281: duplicate key 'rudin2019stop' (first defined on line 6); this one is ignored",
]
EXPORT_FORMAT_PROBLEMS = [
    "export.bib:274: entry 'doe2023talk' has the unknown type 'presentation'; shown as misc",
    "export.bib:299: entry 'samek2019towards' has crossref 'samek2019book', which is not in"
    " reference-manager-export.bib; nothing is inherited",
    "export.bib:159: entry 'arya2019one' has no 'institution' field, which style '{style}' needs; shown without it",
    "export.bib:80: entry 'molnar2022interpretable' has no 'publisher' field, which style '{style}' needs;"
    " shown without it",
    "export.bib:144: entry 'nguyen2019' has no 'school' field, which style '{style}' needs; shown without it",
    "export.bib:299: entry 'samek2019towards' has no 'publisher' field, which style '{style}' needs; shown without it",
    "export.bib:299: entry 'samek2019towards' has no 'year' field, which style '{style}' needs; shown without it",
    "export.bib:216: entry 'shapley1953value' has no 'journal' field, which style '{style}' needs; shown without it",
    "export.bib:187: entry 'simonyan2013deep' has no 'journal' field, which style '{style}' needs; shown without it",
    "export.bib:268: entry 'smith2024draft' has no 'note' field, which style '{style}' needs; shown without it",
]


def test_export_loads_with_every_problem_and_line():
    bib = bibtex.load(EXPORT, "export.bib")
    assert [str(p) for p in bib.problems] == EXPORT_PROBLEMS
    assert len(bib.entries) == 32 and "lipton2018mythos" not in bib.entries
    assert bib.lines["ribeiro2016model"] == 17 and bib.lines["kim2018interpretability"] == 235


@pytest.mark.parametrize("style", bibtex.STYLES)
@pytest.mark.parametrize("author_year", [False, True])
def test_export_formats_every_entry_with_every_style(style, author_year):
    lib = bibtex.Library([bibtex.load(EXPORT, "export.bib")])
    refs, problems = bibtex.format_references(sorted(lib.entries), lib, style=style, author_year=author_year)
    assert set(refs) == set(lib.entries)
    assert sorted(map(str, problems)) == sorted(p.replace("{style}", style) for p in EXPORT_FORMAT_PROBLEMS)
    assert all(ref.html and ref.text for ref in refs.values())


@pytest.mark.parametrize(
    ("key", "html"),
    [
        (
            "rudin2019stop",
            "Cynthia Rudin. Stop explaining black box machine learning models for high stakes decisions and use"
            " interpretable models instead. <em>Nature Machine Intelligence</em>, 1(5):206–215, 2019."
            ' <a href="https://doi.org/10.1038/s42256-019-0048-x">doi:10.1038/s42256-019-0048-x</a>.',
        ),
        (
            "molnar2019iml",
            "Christoph Molnar, Giuseppe Casalicchio, and Bernd Bischl. Iml: an r package for interpretable machine"
            ' learning. CRAN, 2019. URL: <a href="https://cran.r-project.org/package=iml">'
            "https://cran.r-project.org/package=iml</a> (visited on 2024-01-15).",
        ),
        (
            "shap2023",
            'Scott Lundberg et al. <span class="bibtex-protected">SHAP</span>: a game theoretic approach to explain the'
            " output of any machine learning model. GitHub, version 0.42.1, 2023."
            ' URL: <a href="https://github.com/shap/shap">https://github.com/shap/shap</a>.',
        ),
        (
            "gunning2017darpa",
            'David Gunning. Explainable artificial intelligence (<span class="bibtex-protected">XAI</span>).'
            " Technical Report DARPA-BAA-16-53, Defense Advanced Research Projects Agency (DARPA), 2017.",
        ),
        (
            "svensson2022lime",
            '<span class="bibtex-protected">Å</span>sa Svensson. <em>LIME on Handwritten Digits</em>.'
            " Bachelor's thesis, Lunds universitet, 2022.",
        ),
        (
            "chollet2015keras",
            'Fran<span class="bibtex-protected"><span class="bibtex-protected">ç</span></span>ois Chollet et al. Keras.'
            ' <a href="https://keras.io">https://keras.io</a>, 2015.',
        ),
        (
            "smith2024draft",
            'Jane Smith and John Doe. On the <em>Faithfulness</em> of <span class="bibtex-protected"><em>Post-hoc</em>'
            "</span> explanations. 2024.",
        ),
    ],
)
def test_export_entries_read_as_a_reader_expects(key, html):
    lib = bibtex.Library([bibtex.load(EXPORT, "export.bib")])
    refs, _ = bibtex.format_references([key], lib, style="plain", author_year=False)
    assert refs[key].html == html


# --------------------------------------------------------------------------- end to end
