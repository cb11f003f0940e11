"""JSON nesting is checked on the text before parsing, wherever the pieces it arrives in are cut."""

import json

import pytest

from aicmo.cam.leads.nesting import NestingGuard, TooDeep, check_depth

TRICKY = json.dumps([{"a": "x[{" * 3, "b": [[[{"c": '\\"]]]'}]]], "q": 'he said "[["', "e": "\\"}] * 20, indent=1)


def fed(text: str, size: int, limit: int = 32) -> None:
    guard = NestingGuard(limit)
    for start in range(0, len(text), size):
        guard.feed(text[start:start + size])
    guard.feed("", final=True)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64, 10**6])
def test_brackets_inside_strings_do_not_count_however_the_text_is_cut(size: int) -> None:
    fed(TRICKY, size, limit=6)
    with pytest.raises(TooDeep):
        fed(TRICKY, size, limit=5)


@pytest.mark.parametrize("size", [1, 4, 1000])
def test_names_the_line_and_column_where_it_first_goes_too_deep(size: int) -> None:
    text = '[\n {"a": "[[[[[[", "b":\n' + "[" * 40
    with pytest.raises(TooDeep) as refused:
        fed(text, size)
    assert (refused.value.line, refused.value.column) == (3, 31)
    assert str(refused.value) == "nested more than 32 levels deep"


def test_the_limit_itself_is_allowed() -> None:
    check_depth("[" * 32 + "]" * 32)
    with pytest.raises(TooDeep):
        check_depth("[" * 33 + "]" * 33)


def test_a_line_of_json_lines_keeps_its_number() -> None:
    with pytest.raises(TooDeep) as refused:
        check_depth('{"a": ' + "[" * 40, limit=10, line=7)
    assert (refused.value.line, refused.value.column) == (7, 16)
