"""The operators latex2mathml writes (after `explaining_machines.mathml`'s corrections), checked
against what Temml writes for the same TeX.

Temml 0.13.5 (npm ``temml``: ``temml.renderToString(tex, {xml: true})``, run once with node,
outside the build) follows TeX's classes: an ordinary symbol is an ``<mi>``; a binary operator,
a relation, punctuation or a delimiter an ``<mo>``, which MathML's operator dictionary then
spaces as TeX spaces its class. Each case lists, in order, the element and the character Temml
writes for each symbol of interest (digits, letters and spaces left out); where the site writes
another character or element that MathML spaces the same, the comment says so.
"""

from __future__ import annotations

import html
import re

import pytest

from explaining_machines.mathml import to_mathml

_TOKEN = re.compile(r"<(mi|mo)\b[^>]*>([^<]*)</\1>")
_LEFT_OUT = re.compile(r"[\w\s.]")


def symbols(mathml: str) -> list[tuple[str, str]]:
    """(element, character) of each <mi> or <mo> that holds one symbol (no letter, digit or space)."""
    found = []
    for tag, text in _TOKEN.findall(mathml):
        text = html.unescape(text)
        if len(text) == 1 and not _LEFT_OUT.fullmatch(text):
            found.append((tag, text))
    return found


OPERATORS = [
    # The SHAP equation: \setminus is U+2216 (latex2mathml 3.81.1: U+29F5 as <mi>); bars as
    # ordinary symbols (latex2mathml: <mo stretchy="false">, spaced as infix operators).
    pytest.param(r"N \setminus \{i\}", [("mo", "∖"), ("mo", "{"), ("mo", "}")], id="setminus"),
    pytest.param(r"\smallsetminus", [("mo", "∖")], id="smallsetminus"),
    pytest.param(
        r"|S|!\,(n - |S| - 1)!",
        [
            ("mi", "|"),
            ("mi", "|"),
            ("mo", "!"),
            ("mo", "("),
            ("mo", "−"),
            ("mi", "|"),
            ("mi", "|"),
            ("mo", "−"),
            ("mo", ")"),
            ("mo", "!"),
        ],  # fmt: skip
        id="bars-and-factorials",
    ),
    pytest.param(r"\|x\|", [("mi", "‖"), ("mi", "‖")], id="double-bar"),
    pytest.param(r"\| v \|_2", [("mi", "‖"), ("mi", "‖")], id="norm-with-subscript"),
    pytest.param(r"\vert x \vert", [("mi", "|"), ("mi", "|")], id="vert"),
    pytest.param(r"\Vert x \Vert", [("mi", "‖"), ("mi", "‖")], id="Vert"),
    # Temml: <mo fence="true" form="prefix"> and "postfix", which the dictionary spaces by nothing,
    # as an <mi>; the site rewrites \lvert to | so that it does not stretch (explaining_machines.mathml.tex).
    pytest.param(r"\lvert x \rvert", [("mi", "|"), ("mi", "|")], id="lvert-rvert"),
    pytest.param(r"\lVert x \rVert", [("mi", "‖"), ("mi", "‖")], id="lVert-rVert"),
    pytest.param(r"p(x \,|\, y)", [("mo", "("), ("mi", "|"), ("mo", ")")], id="bar-of-a-conditional"),
    # Delimiters that stretch, and \mid, stay operators. Temml writes \mid as U+007C with the
    # spaces of a relation; latex2mathml U+2223 DIVIDES, which the dictionary spaces as a relation.
    pytest.param(r"\left| x \right|", [("mo", "|"), ("mo", "|")], id="left-right-bars"),
    pytest.param(r"\bigl| x \bigr|", [("mo", "|"), ("mo", "|")], id="big-bars"),
    pytest.param(r"x \bigm| y", [("mo", "|")], id="bigm-bar"),
    pytest.param(r"\{ x \mid x > 0 \}", [("mo", "{"), ("mo", "∣"), ("mo", ">"), ("mo", "}")], id="mid"),
    # Binary operators and relations (latex2mathml writes some as <mi>, which the site corrects).
    pytest.param(r"a \pm b - c", [("mo", "±"), ("mo", "−")], id="pm"),
    pytest.param(r"A \cup B \subseteq C", [("mo", "∪"), ("mo", "⊆")], id="cup-subseteq"),
    pytest.param(r"a \times b \le c", [("mo", "×"), ("mo", "≤")], id="times-le"),
    pytest.param(r"a \implies b \iff c", [("mo", "⟹"), ("mo", "⟺")], id="implies-iff"),
    pytest.param(r"a \perp b", [("mo", "⟂")], id="perp"),
    pytest.param(r"x \sim p", [("mo", "∼")], id="sim"),
    pytest.param(r"x \in S \to y", [("mo", "∈"), ("mo", "→")], id="in-to"),
    pytest.param(r"n!", [("mo", "!")], id="factorial"),
    pytest.param(r"a, b", [("mo", ",")], id="comma"),
]


@pytest.mark.parametrize(("tex", "expected"), OPERATORS)
def test_operators_are_the_elements_temml_writes(tex, expected):
    assert symbols(to_mathml(tex, False)) == expected


def test_no_reverse_solidus_operator_is_left():
    assert "&#x029F5;" not in to_mathml(r"A \setminus B", True)
