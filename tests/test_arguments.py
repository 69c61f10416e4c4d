"""The values of tags and of the figures command line: YAML flow values, read one way."""

from __future__ import annotations

import pytest

from explaining_machines import arguments
from explaining_machines.arguments import ArgumentError


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("0.5", 0.5),
        ("true", True),
        ("false", False),
        ("yes", "yes"),  # YAML 1.1 would read a boolean: a surprise in a tag
        ("off", "off"),
        ('"a caption"', "a caption"),
        ("'it''s'", "it's"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("[3, 4, 8, 9]", [3, 4, 8, 9]),
        ('["a", 1, true]', ["a", 1, True]),
    ],
)
def test_values_are_read_as_yaml_flow_values(text, value):
    assert arguments.parse_value(text) == value
    assert type(arguments.parse_value(text)) is type(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{a: 1}", "cannot read the value '{a: 1}': write a number, true or false, a quoted string or a list"),
        ("[1, {b: 2}]", "cannot read the value '[1, {b: 2}]': write a number"),
        ('"open', "cannot read the value '\"open': "),
        ("null", "cannot read the value 'null': write a number"),
    ],
)
def test_values_that_are_no_plain_value_say_what_to_write(text, message):
    with pytest.raises(ArgumentError) as error:
        arguments.parse_value(text)
    assert str(error.value).startswith(message)


def test_a_list_read_twice_is_two_lists():
    # Values are read once per distinct text; a caller that changes its list changes no other's.
    first = arguments.parse_value("[1, 2]")
    first.append(3)
    assert arguments.parse_value("[1, 2]") == [1, 2]


def test_a_tag_splits_on_spaces_outside_quotes_and_brackets():
    text = '"shap-grid" digits=[3, 4] caption="a b [c]" label=\'x y\''
    assert arguments.split(text) == [
        (None, '"shap-grid"'),
        ("digits", "[3, 4]"),
        ("caption", '"a b [c]"'),
        ("label", "'x y'"),
    ]
    parsed = arguments.parse(text)
    assert parsed.positional == ["shap-grid"]
    assert parsed.named == {"digits": [3, 4], "caption": "a b [c]", "label": "x y"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"a" n= 3', "'n=' needs a value"),
        ('"a" n=3 n=4', "'n' is given twice"),
        ('n=3 "a"', '"a" comes after named values; put it first'),
        ("n=[1, 2", "unclosed '[' in '[1, 2'"),
        ("n=1]", "unbalanced ']' in '1]'"),
        ('c="open', "unclosed quote in '\"open'"),
        ('c="a"b', "expected a space after '\"a\"'"),
    ],
)
def test_malformed_arguments_say_what_is_wrong(text, message):
    with pytest.raises(ArgumentError) as error:
        arguments.parse(text)
    assert str(error.value) == message


@pytest.mark.parametrize("value", [3, 0.5, True, False, 'a "quoted" \\ text', [3, 4], ["x", True]])
def test_literal_writes_what_parse_reads_back(value):
    assert arguments.parse_value(arguments.literal(value)) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("010", 10),  # YAML 1.1: octal 8
        ("-007", -7),
        ("0o17", 15),
        ("0x1F", 31),
        ("1_0", "1_0"),  # YAML 1.1: 10
        ("1:05", "1:05"),  # YAML 1.1: sexagesimal 65
        ("1.5e3", 1500.0),
        ("1_000.5", "1_000.5"),
        ("[010, 1:05]", [10, "1:05"]),
    ],
)
def test_numbers_follow_yaml_1_2s_core_schema(text, value):
    """Issue 22, silently wrong: tag values were read as YAML 1.1 (``index=010`` explained
    index 8, ``1_0`` was 10, ``1:05`` was 65), on the page and on the command line."""
    assert arguments.parse_value(text) == value
    assert type(arguments.parse_value(text)) is type(value)
    assert arguments.parse(f'"x" index={text}').named["index"] == value
