import pytest

from explaining_machines.mathml import MathError, render_math, to_mathml


def test_inline_and_block():
    html = render_math('<p>x <span class="arithmatex">\\(a &lt; b\\)</span></p>'
                       '<div class="arithmatex">\\[\\frac{1}{n}\\]</div>')
    assert 'display="inline"' in html and 'alttext="a &lt; b"' in html
    assert '<div class="math-display"><math' in html and 'display="block"' in html
    assert "arithmatex" not in html


def test_shapley_formula_renders():
    tex = (
        r"\phi_i(v) = \sum_{S \subseteq N \setminus \{i\}} "
        r"\frac{|S|!\,(n - |S| - 1)!}{n!} \bigl( v(S \cup \{i\}) - v(S) \bigr)"
    )
    assert "<mfrac>" in to_mathml(tex, True)


@pytest.mark.parametrize(
    ("tex", "reason"),
    [
        (r"\frac{a}{", "no available tokens"),
        ("x^", "missing super script or subscript"),
        (r"\left( x", "extra left or missing right"),
        (r"\foo x", "unknown command \\foo"),
        ("a}", "unbalanced braces"),
    ],
)
def test_errors(tex, reason):
    with pytest.raises(MathError) as caught:
        to_mathml(tex, False)
    assert caught.value.reason.startswith(reason)
