"""JSON columns are written by orjson; what it refuses falls back to the standard library, same meaning."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicmo.db.json_codec import JsonText, dumps

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(JSON_VALUES)
def test_what_is_written_reads_back_as_what_the_standard_library_writes(value: object) -> None:
    assert json.loads(dumps(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize("value", [{1: "one", 2.5: "x"}, {"big": 2**70}, [-(2**64)]])
def test_keys_that_are_not_text_and_integers_beyond_64_bits_are_written_as_the_standard_library_does(
        value: object) -> None:
    assert dumps(value) == json.dumps(value)


def test_json_text_passes_through_unchanged_and_is_not_encoded_twice() -> None:
    text = JsonText('[{"rule": "title", "points": 20}]')
    assert dumps(text) is text
    assert dumps(str(text)) == json.dumps(str(text))  # plain text is a JSON string, as ever
