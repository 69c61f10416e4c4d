import re
from xml.etree import ElementTree

import markdown
import pytest
from latex2mathml.converter import convert

from explaining_machines.mathml import (
    MathError,
    MathMLExtension,
    formula_line,
    render_display,
    render_math,
    split_tag,
    to_mathml,
)
from explaining_machines.mathml.output import check_mathml

TOKENS = ("mi", "mo", "mn", "mtext", "ms")


def parse(mathml: str) -> ElementTree.Element:
    """The <math> element with the MathML namespace dropped, so that paths read .//mtr."""
    root = ElementTree.fromstring(mathml)
    for element in root.iter():
        element.tag = element.tag.rpartition("}")[2]
    return root


def test_inline_and_block():
    html = render_math(
        '<p>x <span class="arithmatex">\\(a &lt; b\\)</span></p><div class="arithmatex">\\[\\frac{1}{n}\\]</div>'
    )
    assert 'display="inline"' in html and 'alttext="a &lt; b"' in html
    assert '<div class="math-display"><math' in html and 'display="block"' in html
    assert "arithmatex" not in html


def test_shapley_formula_renders():
    tex = (
        r"\phi_i(v) = \sum_{S \subseteq N \setminus \{i\}} "
        r"\frac{|S|!\,(n - |S| - 1)!}{n!} \bigl( v(S \cup \{i\}) - v(S) \bigr)"
    )
    assert "<mfrac>" in to_mathml(tex, True)


# What the explainability posts write, and the MathML structure each must give: XPath -> count.
STRUCTURE = [
    # Environments: one row per \\, one cell per &.
    pytest.param(
        r"\begin{aligned} f(x) &= (x+1)^2 \\ &= x^2 + 2x + 1 \end{aligned}",
        True,
        {".//mtable": 1, ".//mtr": 2, ".//mtd": 4, ".//mtd[@columnalign='right']": 2},
        id="aligned",
    ),
    pytest.param(
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}", False, {".//mtr": 2, ".//mtd": 4}, id="aligned-inline"
    ),
    pytest.param(
        r"\begin{align*} a &= b & c &= d \\ e &= f & g &= h \end{align*}", True, {".//mtr": 2, ".//mtd": 8}, id="align*"
    ),
    pytest.param(
        r"\begin{align} a &= b \\ c &= d \end{align}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mtext": 0},
        id="align-unnumbered",
    ),
    pytest.param(
        r"\begin{gather} a = \frac{1}{2} \\ c = d \end{gather}",
        True,
        {".//mtable[@displaystyle='true']": 1, ".//mtr": 2, ".//mtd": 2},
        id="gather",
    ),
    pytest.param(r"\begin{gather*} a \\ b \\ c \end{gather*}", True, {".//mtr": 3, ".//mtd": 3}, id="gather*"),
    pytest.param(r"\begin{gathered} a \\ b \end{gathered}", False, {".//mtr": 2, ".//mtd": 2}, id="gathered"),
    pytest.param(
        r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mo[.='{']": 1, ".//mtext[.='otherwise']": 1},
        id="cases",
    ),
    pytest.param(r"\begin{matrix} a & b \\ c & d \end{matrix}", True, {".//mtr": 2, ".//mtd": 4}, id="matrix"),
    pytest.param(
        r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mo[.='(']": 1, ".//mo[.=')']": 1},
        id="pmatrix",
    ),
    pytest.param(
        r"\begin{bmatrix} a & b \\ c & d \end{bmatrix}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mo[.='[']": 1, ".//mo[.=']']": 1},
        id="bmatrix",
    ),
    pytest.param(
        r"\begin{Bmatrix} a & b \\ c & d \end{Bmatrix}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mo[.='{']": 1, ".//mo[.='}']": 1},
        id="Bmatrix",
    ),
    pytest.param(
        r"\begin{vmatrix} a & b \\ c & d \end{vmatrix}",
        True,
        {".//mtr": 2, ".//mtd": 4, ".//mo[@stretchy='true'][.='|']": 2},
        id="vmatrix-bars-stretch",
    ),
    pytest.param(
        r"\begin{Vmatrix} a \\ b \end{Vmatrix}",
        True,
        {".//mtr": 2, ".//mo[@stretchy='true'][.='\u2016']": 2},
        id="Vmatrix",
    ),
    pytest.param(
        r"\begin{smallmatrix} a & b \\ c & d \end{smallmatrix}",
        False,
        {".//mstyle[@scriptlevel='1']/mtable": 1, ".//mtr": 2, ".//mtd": 4},
        id="smallmatrix",
    ),
    pytest.param(
        r"\begin{array}{lcr} a & b & c \\ d & e & f \end{array}",
        True,
        {".//mtr": 2, ".//mtd": 6, ".//mtd[@columnalign='left']": 2},
        id="array",
    ),
    pytest.param(
        r"\sum_{\substack{i \\ j}} x_{ij}", True, {".//munder/mrow/mstyle/mtable": 1, ".//mtr": 2}, id="substack"
    ),
    # Operators with limits: under them in display style, at the side inline.
    pytest.param(r"\operatorname{softmax}(z)", True, {".//mo[.='softmax']": 1}, id="operatorname"),
    pytest.param(
        r"\operatorname*{argmax}_{x} f(x)",
        True,
        {".//munder/mo[@movablelimits='true'][.='argmax']": 1, ".//msub": 0},
        id="operatorname*",
    ),
    pytest.param(
        r"\operatorname*{argmax}_{x} f(x)",
        False,
        {".//msub/mo[.='argmax']": 1, ".//munder": 0},
        id="operatorname*-inline",
    ),
    pytest.param(r"\operatorname *{argmax}_x", True, {".//munder/mo[.='argmax']": 1}, id="operatorname-space-star"),
    pytest.param(
        r"\operatorname*{arg\,max}_{\theta} L", True, {".//munder/mo[.='arg\u2009max']": 1}, id="operatorname*-arg-max"
    ),
    pytest.param(
        r"\operatorname{arg\,min}_{w} L",
        True,
        {".//msub/mo[.='arg\u2009min']": 1, ".//munder": 0},
        id="operatorname-arg-min-side",
    ),
    pytest.param(r"\argmax_{x} f", True, {".//munder/mo[.='arg\u2009max']": 1}, id="argmax"),
    pytest.param(r"\argmin_{x} f", False, {".//msub/mo[.='arg\u2009min']": 1}, id="argmin-inline"),
    pytest.param(r"\lim_{n \to \infty} a_n", True, {".//munder/mo[.='lim']": 1}, id="lim"),
    pytest.param(r"\lim_{n \to \infty} a_n", False, {".//msub/mo[.='lim']": 1, ".//munder": 0}, id="lim-inline"),
    pytest.param(r"\max\limits_{x} f", False, {".//munder/mo[.='max']": 1}, id="max-limits-kept"),
    pytest.param(r"\max\nolimits_{x} f", True, {".//msub/mo[.='max']": 1}, id="max-nolimits-kept"),
    pytest.param(r"\sum_{i=1}^{n} x_i", True, {".//munderover/mo[.='\u2211']": 1}, id="sum"),
    pytest.param(r"\sum_{i=1}^{n} x_i", False, {".//msubsup/mo[.='\u2211']": 1}, id="sum-inline"),
    pytest.param(r"\prod_{i=1}^{n} p_i", True, {".//munderover/mo[.='\u220f']": 1}, id="prod"),
    pytest.param(r"\prod_{i=1}^{n} p_i", False, {".//msubsup/mo[.='\u220f']": 1}, id="prod-inline"),
    # Styled letters as Unicode letters (MathML Core drops mathvariant="bold" etc.).
    pytest.param(
        r"\mathbb{E}[X] + \mathbb{R}^n + \mathbb{1}",
        True,
        {".//mi[.='\U0001d53c']": 1, ".//mi[.='\u211d']": 1, ".//mn[.='\U0001d7d9']": 1},
        id="mathbb",
    ),
    pytest.param(
        r"\mathbb{E}_{x \sim p}[f(x)]",
        True,
        {".//msub/mi[.='\U0001d53c']": 1, ".//mo[.='\u223c']": 1},
        id="expectation-sim",
    ),
    pytest.param(
        r"\boldsymbol{\beta} + \boldsymbol{x} + \boldsymbol{\Sigma}",
        True,
        {".//mi[.='\U0001d737']": 1, ".//mi[.='\U0001d499']": 1, ".//mi[.='\U0001d6ba']": 1},
        id="boldsymbol",
    ),
    pytest.param(
        r"\mathbf{x} + \mathbf{Wx} + \mathbf{0}",
        True,
        {".//mi[.='\U0001d431']": 2, ".//mi[.='\U0001d416']": 1, ".//mn[.='\U0001d7ce']": 1},
        id="mathbf",
    ),
    pytest.param(
        r"\mathcal{L}(\theta) + \mathcal{D}", True, {".//mi[.='\u2112']": 1, ".//mi[.='\U0001d49f']": 1}, id="mathcal"
    ),
    pytest.param(r"\mathrm{d}x + D_{\mathrm{KL}}", True, {".//mi[@mathvariant='normal'][.='d']": 1}, id="mathrm"),
    # Text.
    pytest.param(r"x \text{ if } x > 0", False, {".//mtext[.='\xa0if\xa0']": 1}, id="text"),
    pytest.param(r"\text{a \& b, 5\%, a<b}", True, {".//mtext[.='a\xa0&\xa0b,\xa05%,\xa0a<b']": 1}, id="text-escapes"),
    pytest.param(r"\textbf{all}", True, {".//mtext[@style='font-weight: bold'][.='all']": 1}, id="textbf"),
    # Fences, fractions, roots, accents.
    pytest.param(
        r"\left( \frac{a}{b} \right)",
        True,
        {".//mo[@stretchy='true'][.='(']": 1, ".//mo[@stretchy='true'][.=')']": 1, ".//mfrac": 1},
        id="left-right",
    ),
    pytest.param(
        r"\left. \frac{\partial f}{\partial x} \right|_{x=0}",
        True,
        {".//msub/mrow/mo[@stretchy='true'][.='|']": 1, ".//mo[.='\u2202']": 2},
        id="left-dot",
    ),
    pytest.param(
        r"\bigl\{ x \bigr\} \bigl\lVert y \bigr\rVert",
        True,
        {".//mo[@maxsize][.='{']": 1, ".//mo[@maxsize][.='}']": 1, ".//mo[@maxsize][.='\u2016']": 2},
        id="big-delimiters",
    ),
    pytest.param(
        r"\frac{a}{b} + \dfrac{c}{d} + \tfrac{e}{f}",
        False,
        {".//mfrac": 3, ".//mstyle[@displaystyle='true']/mfrac": 1, ".//mstyle[@displaystyle='false']/mfrac": 1},
        id="fractions",
    ),
    pytest.param(r"\sqrt[3]{x} + \sqrt{y}", True, {".//mroot": 1, ".//msqrt": 1}, id="roots"),
    pytest.param(
        r"\hat{y} + \tilde{x} + \bar{x}",
        True,
        {".//mover/mo[.='^']": 1, ".//mover/mo[.='~']": 1, ".//mover/mo[.='\xaf']": 1},
        id="accents",
    ),
    pytest.param(
        r"\lVert x \rVert_2^2 = \sum_i x_i^2",
        True,
        {".//mi[.='\u2016']": 2, ".//mo[.='\u2016']": 0},  # an ordinary symbol, as in TeX: never stretched
        id="norm-does-not-stretch",
    ),
    # Symbols.
    pytest.param(
        r"p(y \mid x) \approx q \propto r",
        False,
        {".//mo[.='\u2223']": 1, ".//mo[.='\u2248']": 1, ".//mo[.='\u221d']": 1},
        id="relations",
    ),
    pytest.param(r"\nabla_\theta \partial x", False, {".//mo[.='\u2207']": 1, ".//mo[.='\u2202']": 1}, id="nabla"),
    pytest.param(
        r"x^\top A^{\top}", False, {".//msup/mo[.='\u22a4']": 1, ".//msup/mrow/mo[.='\u22a4']": 1}, id="transpose"
    ),
    pytest.param(r"f'(x) + f''(x)", False, {".//msup/mi[.='\u2032']": 1, ".//msup/mi[.='\u2033']": 1}, id="primes"),
    pytest.param(
        r"a \cdot b, x_1, \dots, x_n, \ldots, \cdots",
        False,
        {".//mo[.='\xb7']": 1, ".//*[.='\u2026']": 2, ".//mo[.='\u22ef']": 1},
        id="dots",
    ),
    pytest.param(r"\mu \pm \sigma", False, {".//mo[.='\xb1']": 1}, id="pm-is-an-operator"),
    pytest.param(
        r"a \quad b \, c \; d \! e",
        False,
        {
            ".//mspace[@width='1em']": 1,
            ".//mspace[@width='0.167em']": 1,
            ".//mspace[@width='0.278em']": 1,
            ".//mspace[@width='-0.1667em']": 1,
        },
        id="spaces",
    ),
]


@pytest.mark.parametrize(("tex", "display", "expected"), STRUCTURE)
def test_structure(tex, display, expected):
    mathml = to_mathml(tex, display)
    root = parse(mathml)
    assert {path: len(root.findall(path)) for path in expected} == expected
    # Nothing of the TeX is left on screen, and every style is one browsers show.
    assert root.get("alttext") == tex
    shown = [element.text or "" for element in root.iter() if element.tag in TOKENS]
    assert not [text for text in shown if "\\" in text or "*" in text]
    assert not [text for text in shown if "&" in text and "\\&" not in tex]
    assert {element.get("mathvariant") for element in root.iter()} <= {None, "normal"}
    assert "linebreak" not in mathml


# latex2mathml's own output for TeX it renders wrongly; the safety net must refuse each, even if
# the checks and rewrites before conversion did not exist.
SILENTLY_WRONG = [
    (r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "a literal & shown as text"),
    (r"\begin{gather} a \\ b \end{gather}", "a line break \\\\ that browsers ignore"),
    (r"a & b", "a literal & shown as text"),
    (r"\operatorname*{arg\,max}_x f", "an operator name is letters only"),
    (r"\text{if $x$}", "$ inside math"),
    (r"\text{x_1 \alpha}", "\\text{...} would show 'x_1 \\\\alpha' verbatim"),
    (r"\bigl\lVert x \bigr\rVert", "unknown command \\lVert"),
    (r"\foo", "unknown command \\foo"),
]


@pytest.mark.parametrize(("tex", "reason"), SILENTLY_WRONG)
def test_safety_net_refuses_latex2mathml_output(tex, reason):
    with pytest.raises(MathError) as caught:
        check_mathml(tex, convert(tex, display="block"))
    assert caught.value.reason.startswith(reason)


def test_safety_net_names_the_star_of_operatorname():
    with pytest.raises(MathError, match=r"the \* of \\operatorname\* comes right after"):
        check_mathml("x", "<math><mrow><mo /><mo>&#x0002A;</mo><mi>a</mi></mrow></math>")


@pytest.mark.parametrize(
    ("tex", "display", "reason", "advice"),
    [
        (r"\frac{a}{", False, "no available tokens", ""),
        ("x^", False, "missing super script or subscript", ""),
        (r"\left( x", False, "extra left or missing right", ""),
        (r"\foo x", False, "unknown command \\foo", ""),
        ("a}", False, "unbalanced braces", ""),
        ("a & b", False, "a literal & outside an environment", "write \\& for an ampersand"),
        (r"a \\ b", True, "a line break \\\\ outside an environment", "\\begin{gathered}"),
        (r"\begin{gather} a &= b \end{gather}", True, "gather has one centred column", "\\begin{aligned}"),
        (r"\begin{align} a &= b \end{align}", False, "align is for display math", "use aligned"),
        (r"\begin{gather*} a \end{gather*}", False, "gather* is for display math", "use gathered"),
        (r"\begin{equation} a \end{equation}", True, "$$...$$ is already a display equation", "drop"),
        (r"\begin{multline} a \end{multline}", True, "unsupported environment multline", "aligned"),
        (r"\begin{aligned} a \end{align}", True, "\\end{align} does not close \\begin{aligned}", ""),
        (r"\begin{array}{l|r} a & b \end{array}", True, "browsers draw no vertical rules", "drop | from {l|r}"),
        (r"\begin{array}{lr} a & b \\ \hline c & d \end{array}", True, "\\hline: browsers draw no rules", "drop it"),
        (
            r"\operatorname{f_1}(x)",
            True,
            "\\operatorname{f_1}: an operator name is letters only",
            "\\operatorname*{arg\\,max}",
        ),
        (r"x \tag{1}", False, "\\tag numbers display equations only", "$$...$$"),
        (r"\text{x_1 \alpha}", True, "\\text{...} would show 'x_1 \\\\alpha' verbatim", "end \\text{}"),
        (r"\text{a & b}", True, "a literal & shown as text", "write \\&"),
        (r"\text{if $x > 0$}", False, "$ inside math", "close \\text{}"),
        (r"\bigl\foo x \bigr)", True, "unknown command \\foo", ""),
    ],
)
def test_errors(tex, display, reason, advice):
    with pytest.raises(MathError) as caught:
        to_mathml(tex, display)
    assert caught.value.reason.startswith(reason)
    assert advice in caught.value.reason
    assert caught.value.tex == tex


def strip_math(html: str) -> str:
    return re.sub(r"<math .*</math>", "<math/>", html)


@pytest.mark.parametrize(
    ("tex", "number", "shown"),
    [
        ("a = b", None, None),
        ("a = b", "1", "(1)"),
        (r"a = b \tag{2.1}", None, "(2.1)"),
        (r"a = b \tag*{A}", None, "A"),
        (r"\begin{aligned} a &= b \\ c &= d \end{aligned} \tag{3}", None, "(3)"),
    ],
)
def test_render_display_numbers(tex, number, shown):
    html = render_display(tex, number)
    if shown is None:
        assert strip_math(html) == '<div class="math-display"><math/></div>'
    else:
        expected = f'<div class="math-display math-numbered"><math/><span class="equation-number">{shown}</span></div>'
        assert strip_math(html) == expected
    assert "tag" not in parse(re.search(r"<math .*</math>", html)[0]).get("alttext")


def test_render_display_anchor_and_escaping():
    html = render_display("x", "<1>", anchor='eq:"a"')
    assert html.startswith('<div class="math-display math-numbered" id="eq:&quot;a&quot;"><math ')
    assert html.endswith('<span class="equation-number">(&lt;1&gt;)</span></div>')


def test_render_math_numbers_a_tagged_block():
    html = render_math('<div class="arithmatex">\\[E = mc^2 \\tag{7}\\]</div>')
    assert '<span class="equation-number">(7)</span>' in html and 'alttext="E = mc^2"' in html


@pytest.mark.parametrize(
    ("tex", "number", "reason"),
    [
        (r"a \tag{1}", "2", "the equation has both \\tag and the number 2"),
        (r"a \tag{1} \tag{2}", None, "more than one \\tag: a display equation has one number"),
        (r"a \tag 1", None, "write the tag in braces: \\tag{1}"),
        (r"a \tag{$x$}", None, "\\tag{$x$}: the tag is plain text, such as \\tag{2} or \\tag{A.1}"),
        (
            r"\begin{aligned} a &= b \tag{1} \end{aligned}",
            None,
            "\\tag inside an environment: put one \\tag after \\end{...}, for the whole equation",
        ),
        (r"\foo \tag{1}", None, "unknown command \\foo"),
    ],
)
def test_render_display_errors_keep_the_source(tex, number, reason):
    with pytest.raises(MathError) as caught:
        render_display(tex, number)
    assert caught.value.reason == reason
    assert caught.value.tex == tex  # the hook finds the line by the source as written


def test_split_tag():
    assert split_tag(r"a = b \tag{1}") == ("a = b ", "(1)")
    assert split_tag(r"a = b \tag*{A}") == ("a = b ", "A")
    assert split_tag("a = b") == ("a = b", None)


def test_inline_tag_in_a_page_is_an_error():
    with pytest.raises(MathError, match="display equations only"):
        render_math('<span class="arithmatex">\\(x \\tag{1}\\)</span>')


@pytest.mark.parametrize(
    ("tex", "display", "message"),
    [
        ("a & b", False, "cannot render LaTeX 'a & b': a literal & outside an environment: write \\& for an ampersand, "
         "or align rows with \\begin{aligned} a &= b \\\\ c &= d \\end{aligned}"),
        ("\\frac{a}{", False, "cannot render LaTeX '\\frac{a}{': no available tokens"),
        ("  \\foo x\n", True, "cannot render LaTeX '\\foo x': unknown command \\foo"),  # the source, stripped
        ("x^", False, "cannot render LaTeX 'x^': missing super script or subscript"),
    ],
)  # fmt: skip
def test_the_message_an_author_reads_quotes_the_formula_as_written(tex, display, message):
    with pytest.raises(MathError) as caught:
        to_mathml(tex, display)
    assert str(caught.value) == message


def test_a_formula_numbered_by_a_label_is_named_without_the_number_the_build_added():
    with pytest.raises(MathError) as caught:
        render_math('<div class="arithmatex">\\[\\foo \\tag{1}\\label{eq-x}\\]</div>')
    assert (caught.value.tex, str(caught.value)) == ("\\foo", "cannot render LaTeX '\\foo': unknown command \\foo")


@pytest.mark.parametrize(
    ("markdown_text", "tex", "first_line", "line"),
    [
        ("# P\n\nMath $a & b$ here.\n", "a & b", 1, 3),
        ("# P\n\n```\n$\\frac{a}{$\n```\n\nMath $\\frac{a}{$ here.\n", "\\frac{a}{", 1, 7),  # not its twin in code
        ("# P\n\n`$x^$` and $x^$\n", "x^", 1, 3),
        ("A\n\n$$\n\\foo\n$$\n", "\n\\foo\n", 5, 8),  # the body starts on line 5, after the front matter
        ("- item\n\n    $$\n    a \\\\\n    b\n    $$\n", "\na \\\\\nb\n", 1, 4),  # found by its first line, indented
        ("> $$\n> \\begin{x}\n> \\end{x}\n> $$\n", "\n\\begin{x}\n\\end{x}\n", 1, 2),
        ("# P\n\nNo such formula.\n", "\\foo", 1, None),  # one the build wrote itself
    ],
)
def test_a_formula_is_found_on_its_line(markdown_text, tex, first_line, line):
    assert formula_line(markdown_text, tex, first_line) == line


def test_the_second_of_two_equations_that_open_alike_is_found_on_its_own_line():
    broken = "\n\\begin{aligned}\na &= \\foo\n\\end{aligned}\n"
    page = "# P\n\n$$\n\\begin{aligned}\na &= b\n\\end{aligned}\n$$\n\n$$" + broken + "$$\n"
    assert formula_line(page, broken) == 10


def test_the_extension_hands_each_error_to_its_caller_before_it_propagates():
    seen = []
    extension = MathMLExtension(on_error=seen.append)
    with pytest.raises(MathError) as caught:
        markdown.markdown(
            "Fine $x$, broken $a & b$.",
            extensions=["pymdownx.arithmatex", extension],
            extension_configs={"pymdownx.arithmatex": {"generic": True}},
        )
    assert seen == [caught.value] and caught.value.tex == "a & b"
