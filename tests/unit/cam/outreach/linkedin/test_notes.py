import unicodedata

import pytest

from aicmo.cam.outreach.linkedin.notes import cut_note, length

CASES = [
    # (text, limit, expected)
    ("Hi Jane", 300, "Hi Jane"),
    ("  Hi Jane \n", 300, "Hi Jane"),
    ("", 300, ""),
    ("abcde fghij", 11, "abcde fghij"),  # exactly at the limit: untouched
    ("abcde fghij.", 11, "abcde"),  # one over: the last word goes, not a letter of it
    ("abcde fghij klm", 11, "abcde fghij"),  # the cut falls on a space
    ("abcde fghij klm", 12, "abcde fghij"),  # a space just inside the limit is dropped
    ("abcde fghijklmno", 12, "abcde"),  # never mid-word
    ("Supercalifragilisticexpialidocious", 10, ""),  # a single over-long word: no note rather than half a word
    ("Supercalifragilisticexpialidocious rest", 10, ""),
    ("Hello, world and more", 12, "Hello, world"),
    ("Hello, world, and more", 13, "Hello, world"),  # a dangling comma is dropped
    ("Great talk — loved it", 12, "Great talk"),  # and a dangling dash with its space
    ("Saw you at (Web Summit)", 13, "Saw you at"),  # and an opening bracket
    ("Ends well. Then more", 12, "Ends well."),  # a full stop is a proper end
    ("Line one\nline two", 12, "Line one"),
    ("Price 10\u00a0000 euros", 10, "Price"),  # no cut at a no-break space
    ("Grüße aus München, Jürgen", 18, "Grüße aus München"),
    ("Cześć Łukasz, świetny", 12, "Cześć"),
    ("Hi 👋 there friend", 8, "Hi 👋"),  # an emoji counts twice, as LinkedIn's form counts it
    ("Hi 👋🏽 there", 6, "Hi"),  # a skin-tone emoji is four units: never split from its modifier
    ("日本語のテキストです。次の文です。", 14, "日本語のテキストです。"),  # no spaces: cut after a full stop
    ("Bonjour Zoë et Chloé", 12, "Bonjour Zoë"),
]


@pytest.mark.parametrize(("text", "limit", "expected"), CASES)
def test_cuts_the_note_at_a_word_boundary_within_the_limit(text: str, limit: int, expected: str) -> None:
    cut = cut_note(text, limit)
    assert cut == expected
    assert length(cut) <= limit


def test_counts_a_decomposed_accent_as_the_one_letter_it_shows() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë Chloé")
    assert len(decomposed) == 11
    assert cut_note(decomposed, 9) == "Zoë Chloé"


def test_keeps_a_note_of_exactly_300_characters_and_cuts_one_of_301() -> None:
    exactly = ("word " * 60).strip() + "s" * 1  # 299 + 1
    assert len(exactly) == 300
    assert cut_note(exactly, 300) == exactly
    over = exactly + "!"
    assert cut_note(over, 300) == ("word " * 59).strip()


def test_a_200_character_limit_for_free_accounts_cuts_earlier() -> None:
    text = " ".join(f"w{i:03d}" for i in range(80))  # 80 words of 4 letters, 399 characters
    cut = cut_note(text, 200)
    assert len(cut) <= 200 and text.startswith(cut) and text[len(cut)] == " "


def test_never_splits_a_word_for_any_limit() -> None:
    text = "Hi Jane — loved your talk on Rust at Øredev, let’s connect? 🚀 Cheers, Bob"
    for limit in range(length(text) + 2):
        cut = cut_note(text, limit)
        assert length(cut) <= limit
        assert text.startswith(cut)
        following = text[len(cut):len(cut) + 1]
        assert not cut or not following.isalnum(), f"limit {limit} cut {cut!r} mid-word"
        assert cut == cut.strip() and not cut.endswith((",", "—"))
