"""The ``{% figure %}`` and ``{% value %}`` tags as `computed.tags` reads them: each malformed tag's message and line.

What a figure's parameters accept is the figures package's to say; it is tested with the
pages that ask for figures (tests/test_figurepages.py).
"""

from __future__ import annotations

import pytest

from explaining_machines import computed
from explaining_machines.computed import TagError

FIGURE_USAGE = 'write {% figure "name" param=value caption="..." %}'


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        ("{% figure %}\n", 1, 'a figure tag names one figure first, in quotes: {% figure "shap-digit" ... %}'),
        ('{% figure "" %}\n', 1, 'a figure tag names one figure first, in quotes: {% figure "shap-digit" ... %}'),
        ('{% figure "a" "b" %}\n', 1, 'a figure tag names one figure first, in quotes: {% figure "shap-digit" ... %}'),
        ("{% figure 3 %}\n", 1, 'a figure tag names one figure first, in quotes: {% figure "shap-digit" ... %}'),
        ('{% figure "a" caption=3 %}\n', 1, "caption must be a quoted string, got 3"),
        ('{% figure "a" id="seven" %}\n', 1,
         "a figure's id starts with 'fig-' and holds letters, digits, - and _: got 'seven'"),
        ('{% figure "a" id=7 %}\n', 1, "a figure's id starts with 'fig-' and holds letters, digits, - and _: got 7"),
        ('{% figure "a" id="fig-a b" %}\n', 1,
         "a figure's id starts with 'fig-' and holds letters, digits, - and _: got 'fig-a b'"),
        ('Text {% figure "a" %}\n', 1, "a figure tag must stand on a line of its own"),
        ('{% figure "a" %} and text\n', 1, "a figure tag must stand on a line of its own"),
        ('> {% figure "a" %}\n', 1, "a figure tag must stand on a line of its own"),
        ('!!! note\n    {% figure "a" %}\n', 2, "a figure tag must start its line, outside lists, admonitions and "
         "other indented blocks, where its figure cannot be shown whole"),
        ('{% figure "a" digit= %}\n', 1, f"{{% figure %}}: 'digit=' needs a value; {FIGURE_USAGE}"),
        ('{% figure "a" digit=[3 %}\n', 1, f"{{% figure %}}: unclosed '[' in '[3'; {FIGURE_USAGE}"),
        ('{% figure "a" digit=3 digit=4 %}\n', 1, f"{{% figure %}}: 'digit' is given twice; {FIGURE_USAGE}"),
        ('Text.\n\n{% figure "a" caption=3 %}\n', 3, "caption must be a quoted string, got 3"),
    ],
)  # fmt: skip
def test_a_malformed_figure_tag_names_its_line(markdown, line, message):
    with pytest.raises(TagError) as error:
        computed.find_figure_tags(markdown)
    assert (error.value.line, error.value.message) == (line, message)


def test_a_figure_tag_is_read_with_its_parameters_caption_label_and_line():
    markdown = 'Text.\n\n{% figure "shap-digit" digit=3 caption="A {% value \\"model.epochs\\" %}" id="fig-a" %}\n'
    (tag,) = computed.find_figure_tags(markdown, first_line=5)
    assert (tag.name, tag.params, tag.caption, tag.label, tag.line) == (
        "shap-digit", {"digit": 3}, 'A {% value "model.epochs" %}', "fig-a", 7
    )  # fmt: skip
    assert markdown[tag.start : tag.end].startswith('{% figure "shap-digit"') and markdown[tag.end :] == "\n"


@pytest.mark.parametrize(
    ("markdown", "line", "message"),
    [
        ("{% value %}", 1, 'write {% value "model.holdout_accuracy" %} or add format=".2%"'),
        ('{% value "a" "b" %}', 1, 'write {% value "model.holdout_accuracy" %} or add format=".2%"'),
        ("{% value 3 %}", 1, 'write {% value "model.holdout_accuracy" %} or add format=".2%"'),
        ('{% value "a" fmt=".2" %}', 1, 'write {% value "model.holdout_accuracy" %} or add format=".2%"'),
        ('{% value "a" format=2 %}', 1, 'format must be a quoted string such as ".2%", got 2'),
        ('One.\n\nTwo {% value "a" format=[1] %}', 3, 'format must be a quoted string such as ".2%", got [1]'),
    ],
)
def test_a_malformed_value_tag_names_its_line(markdown, line, message):
    with pytest.raises(TagError) as error:
        computed.find_value_tags(markdown)
    assert (error.value.line, error.value.message) == (line, message)


def test_a_value_tag_without_a_format_value_says_what_to_write():
    with pytest.raises(TagError) as error:
        computed.find_value_tags('{% value "a" format= %}')
    assert error.value.message == "{% value %}: 'format=' needs a value; write {% value \"model.holdout_accuracy\" %}"


def test_value_tags_are_read_in_order_with_their_format_and_line():
    found = computed.find_value_tags('A {% value "model.epochs" %}\nand {% value "lime.fit_r2" format=".3f" %}.', 4)
    assert [(tag.name, tag.spec, tag.line) for tag in found] == [("model.epochs", None, 4), ("lime.fit_r2", ".3f", 5)]


def test_tags_in_code_are_neither_figures_nor_values():
    markdown = '```\n{% figure "a" %}\n```\n\n`{% value "b" %}`\n'
    assert computed.find_figure_tags(markdown) == [] and computed.find_value_tags(markdown) == []
