import pytest
from hypothesis import given
from hypothesis import strategies as st

from aicmo.cam.templates.render import RenderLimits, render_message
from aicmo.cam.templates.spintax import expand_all, spin, spintax_problems

SEEDS = [f"lead-{n}" for n in range(200)]


def test_a_group_becomes_one_of_its_alternatives() -> None:
    assert {spin("{Hi|Hello|Hey} there", seed) for seed in SEEDS} == {"Hi there", "Hello there", "Hey there"}


def test_nested_groups_resolve_inside_the_chosen_alternative() -> None:
    assert {spin("{a|{b|c}}", seed) for seed in SEEDS} == {"a", "b", "c"}
    assert {spin("{x {p|q} y|z}", seed) for seed in SEEDS} == {"x p y", "x q y", "z"}


def test_the_choice_is_stable_for_a_seed() -> None:
    text = "{Hi|Hello|Hey} {there|friend}, {a|{b|c|d}|e}"
    assert [spin(text, seed) for seed in SEEDS] == [spin(text, seed) for seed in SEEDS]
    assert spin(text, "lead-7") == spin(text, "lead-7")


def test_different_seeds_give_different_picks_across_many_seeds() -> None:
    picks = [spin("{a|b|c|d}", seed) for seed in SEEDS]
    assert set(picks) == {"a", "b", "c", "d"}
    assert max(picks.count(letter) for letter in "abcd") < len(SEEDS) / 2


def test_groups_in_one_text_are_chosen_independently() -> None:
    pairs = {spin("{a|b} {a|b}", seed) for seed in SEEDS}
    assert pairs == {"a a", "a b", "b a", "b b"}


def test_a_jinja_filter_pipe_is_not_spintax() -> None:
    text = '{{ x | default("a|b") }} and {{ y|upper }}'
    assert spin(text, "s") == text
    assert render_message(None, text, {"x": None, "y": "q"}, seed="s", limits=RenderLimits()).body == "a|b and Q"


def test_jinja_blocks_and_comments_are_left_untouched() -> None:
    text = "{% if vip %}{VIP|Dear}{% else %}{Hi|Hey}{% endif %} {# a|b #}{{ {'k': 'v|w'}['k'] }}"
    for seed in SEEDS[:20]:
        out = spin(text, seed)
        assert out.startswith("{% if vip %}") and "{% else %}" in out
        assert out.endswith("{# a|b #}{{ {'k': 'v|w'}['k'] }}")
        rendered = render_message(None, text, {"vip": True}, seed=seed, limits=RenderLimits())
        assert rendered.body in ("VIP v|w", "Dear v|w")


def test_raw_blocks_are_left_untouched() -> None:
    assert spin("{% raw %}{a|b}{% endraw %}", "s") == "{% raw %}{a|b}{% endraw %}"


def test_escaped_braces_are_literal_braces() -> None:
    assert spin(r"\{Hi|Hello\}", "s", jinja_safe=False) == "{Hi|Hello}"
    assert render_message(None, r"write \{Hi|Hello\} or \{\{ name \}\}", {}, seed="s", limits=RenderLimits()).body == \
        "write {Hi|Hello} or {{ name }}"


def test_braces_without_a_pipe_are_plain_text() -> None:
    assert spin("p { color: red } {a|a}", "s") == "p { color: red } a"
    assert spin("a | b, {unclosed", "s") == "a | b, {unclosed"


def test_an_unclosed_choice_is_reported_not_guessed() -> None:
    assert spin("{Hi|Hello there", "s") == "{Hi|Hello there"
    assert spintax_problems("ok\n{Hi|Hello there") == [
        "line 2: '{' opens a choice that is never closed (write \\{ for a literal brace)"]
    assert spintax_problems("{a|b} { json: 1 }") == []


def test_expand_all_keeps_every_alternative_for_checking() -> None:
    assert expand_all("{Hi {{ a }}|Hey {{ b }}}") == "Hi {{ a }}Hey {{ b }}"


ALTERNATIVE = st.text(st.characters(exclude_characters="{}|\\%#", exclude_categories=["Cs"]), max_size=12)


@given(alternatives=st.lists(ALTERNATIVE, min_size=2, max_size=6), seed=st.text(max_size=20))
def test_spintax_output_is_always_one_of_the_alternatives(alternatives: list[str], seed: str) -> None:
    assert spin("{" + "|".join(alternatives) + "}", seed) in alternatives


@pytest.mark.parametrize("seed", ["", "é", "李", "x" * 1000])
def test_any_seed_string_works(seed: str) -> None:
    assert spin("{a|b}", seed) in ("a", "b")
