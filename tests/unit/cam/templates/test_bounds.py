"""Templates render within bounds of time, loop steps and size, checked while they run, before memory is taken."""

import time
import tracemalloc

import pytest

from aicmo.cam.templates.render import RenderLimits, TemplateLimitExceeded, TemplateProblem, render_template

LIMITS = RenderLimits(seconds=5.0, steps=100_000, chars=100_000)
MEMORY_CAP = 50_000_000  # bytes one refused rendering may have taken at its peak

GROWING = {
    "a padding filter": "{{ 'x'|center(999999999) }}",
    "a printf width in the format filter": '{{ "%999999999d"|format(1) }}',
    "a printf width with %": '{{ "%999999999d" % 1 }}',
    "a printf precision": '{{ "%.999999999f" % 1.5 }}',
    "a starred printf width": '{{ "%*d" % (999999999, 1) }}',
    "a str method": "{{ 'x'.ljust(999999999) }}",
    "a str.format width": "{{ '{:999999999}'.format(1) }}",
    "a nested str.format width": "{{ '{:{}}'.format(1, 999999999) }}",
    "replace": "{{ ('x' * 100000)|replace('x', 'y' * 1000) }}",
    "replace on the empty string": "{{ ('x' * 1000).replace('', 'y' * 10000) }}",
    "indent": "{{ ('x\n' * 50000)|indent(1000) }}",
    "wordwrap": "{{ ('x ' * 50000)|wordwrap(1, wrapstring='y' * 10) }}",
    "join": "{{ (['x' * 10000] * 1000)|join }}",
    "doubling with ~": "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
                       "{% endfor %}{{ ns.s|length }}",
    "doubling with +": "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
                       "{% endfor %}{{ ns.s|length }}",
    "a list printed that refers to itself twice over": "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}"
                                                       "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l }}",
    "such a list turned into text": "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}"
                                    "{% set ns.l = [ns.l, ns.l] %}{% endfor %}{{ ns.l|string|length }}",
    "a macro's buffered output": "{% macro m() %}{% for i in range(100000) %}{{ 'x' * 50 }}{% endfor %}"
                                 "{% endmacro %}{% set y = m() %}ok",
}


@pytest.mark.parametrize("source", GROWING.values(), ids=GROWING.keys())
def test_refuses_text_past_the_cap_before_building_it(source: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(TemplateLimitExceeded, match="exceeds its bounds"):
            render_template(source, {}, limits=LIMITS)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_CAP


def test_counts_loop_steps_even_when_nothing_is_printed() -> None:
    source = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateLimitExceeded, match="more than 100000 loop steps"):
        render_template(source, {}, limits=LIMITS)


def test_stops_at_the_deadline_while_running() -> None:
    source = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    began = time.monotonic()
    with pytest.raises(TemplateLimitExceeded, match=r"longer than 0.2 s"):
        render_template(source, {}, limits=RenderLimits(seconds=0.2, steps=10**12))
    assert time.monotonic() - began < 1.0


def test_counts_calls_of_methods_and_macros() -> None:
    source = "{% for a in range(1000) %}{{ 'x'.upper() }}{% endfor %}"
    with pytest.raises(TemplateLimitExceeded, match="more than 1500 loop steps and calls"):
        render_template(source, {}, limits=RenderLimits(steps=1500))


def test_refuses_a_range_longer_than_the_sequence_cap() -> None:
    with pytest.raises(TemplateLimitExceeded, match="a range of more than"):
        render_template("{% for i in range(10**9) %}{% endfor %}", {}, limits=LIMITS)


def test_endless_recursion_is_a_template_problem() -> None:
    with pytest.raises(TemplateProblem):
        render_template("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", {}, limits=LIMITS)


def test_renders_ordinary_templates_as_before() -> None:
    source = ("{% for w in words %}{{ w|center(5) }}|{% endfor %} {{ '%03d'|format(7) }} {{ '{:>4}'.format('ab') }} "
              "{{ words|join(', ') }} {{ 'a' ~ 1 }} {{ 'ab' * 2 }} {{ 'x\ny'|indent(2) }} {{ 'a b'|wordwrap(1) }}")
    rendered = render_template(source, {"words": ["hi", "yo"]}, limits=LIMITS)
    assert rendered == "  hi |  yo | 007   ab hi, yo a1 abab x\n  y a\nb"


def test_the_output_cap_is_a_setting() -> None:
    with pytest.raises(TemplateLimitExceeded, match="longer than 10 characters"):
        render_template("{{ 'x' * 11 }}", {}, limits=RenderLimits(chars=10))
