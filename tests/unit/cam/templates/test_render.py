from typing import Any

import pytest

from aicmo.cam.templates.context import message_context
from aicmo.cam.templates.render import (
    RenderedMessage,
    RenderLimits,
    TemplateProblem,
    check_template,
    render_html,
    render_message,
)
from aicmo.errors import AicmoError


def body(template: str, context: dict[str, Any] | None = None, seed: str = "s") -> str:
    return render_message(None, template, context or {}, seed=seed, limits=RenderLimits()).body


def problem(template: str, context: dict[str, Any] | None = None, subject: str | None = None) -> TemplateProblem:
    with pytest.raises(TemplateProblem) as caught:
        render_message(subject, template, context or {}, seed="s", limits=RenderLimits())
    return caught.value


def lead_context(**fields: Any) -> dict[str, Any]:
    lead = {"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.io", "company_name": "Acme Inc."}
    lead.update(fields)
    return message_context(lead, {"name": "Sam Seller", "email": "sam@aicmo.io"})


def test_a_template_problem_is_an_aicmo_error() -> None:
    assert issubclass(TemplateProblem, AicmoError) is True


@pytest.mark.parametrize("value", [None, "", "   "])
def test_default_replaces_a_none_empty_or_blank_value(value: str | None) -> None:
    assert body('Hi {{ first_name | default("there") }},', {"first_name": value}) == "Hi there,"
    assert body('Hi {{ first_name | or_else("there") }},', {"first_name": value}) == "Hi there,"


def test_default_replaces_an_undefined_name() -> None:
    assert body('Hi {{ first_name | default("there") }},') == "Hi there,"


def test_default_keeps_a_real_value() -> None:
    assert body('Hi {{ first_name | default("there") }},', {"first_name": "Zoë"}) == "Hi Zoë,"
    assert body("{{ n | default(5) }}", {"n": 0}) == "0"


def test_a_misspelt_name_is_an_error_naming_it() -> None:
    caught = problem("Hi {{ frist_name }}", lead_context())
    assert caught.field == "frist_name"
    assert str(caught) == "undefined variable 'frist_name' in template"


def test_an_empty_required_field_is_an_error_naming_it() -> None:
    caught = problem("Hi {{ first_name }},\nHow is {{ company }}?", lead_context(first_name=None))
    assert caught.field == "first_name"
    assert str(caught) == "template needs first_name, which is empty for this lead"
    assert caught.line == 1
    assert problem("Hi {{ first_name }}", {"first_name": ""}).field == "first_name"


def test_filters_on_an_empty_field_still_fail() -> None:
    assert problem("{{ first_name | upper }}", {"first_name": None}).field == "first_name"
    assert problem("{{ company | first_word }}", {"company": " "}).field == "company"


def test_attribute_access_to_an_empty_field_behaves_the_same() -> None:
    context = lead_context(first_name=None)
    caught = problem("Hi {{ lead.first_name }}", context)
    assert caught.field == "lead.first_name"
    assert str(caught) == "template needs lead.first_name, which is empty for this lead"
    assert problem('Hi {{ lead["first_name"] }}', context).field == "lead.first_name"
    assert body('Hi {{ lead.first_name | default("there") }}', context) == "Hi there"
    assert body("Hi {{ lead.last_name }} of {{ lead.company }}", context) == "Hi Doe of Acme"


def test_a_misspelt_attribute_is_an_error_naming_it() -> None:
    caught = problem("{{ lead.frist_name }}", lead_context())
    assert caught.field == "lead.frist_name"
    assert "undefined variable 'lead.frist_name'" in str(caught)


def test_empty_sender_and_custom_fields_are_named() -> None:
    context = lead_context(custom_fields={"pain": None, "items": "widgets"})
    assert str(problem("{{ sender.phone }}", context)) == "template needs sender.phone, which is empty for this sender"
    assert problem("{{ custom.pain }}", context).field == "custom.pain"
    assert body("{{ custom.items }} from {{ sender.first_name }}", context) == "widgets from Sam"


def test_a_missing_value_is_false_in_conditions() -> None:
    template = "{% if first_name %}Hi {{ first_name }}{% else %}Hello{% endif %}, {{ title or 'friend' }}"
    assert body(template, {"first_name": None, "title": ""}) == "Hello, friend"
    assert body(template, {"first_name": "Ann", "title": "CTO"}) == "Hi Ann, CTO"


def test_a_misspelt_name_in_a_condition_is_still_an_error() -> None:
    assert problem("{% if frist_name %}x{% endif %}", {"first_name": "a"}).field == "frist_name"


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lead.__init__ }}",
    "{{ lead.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ '{0.__class__}'.format(lead) }}",
    "{{ lead._values }}",
    "{{ lead.tags.append('x') }}",
    "{{ custom.update({'a': 1}) }}",
    "{{ 'a' * 10000000 }}",
    "{{ 9 ** 9999999 }}",
])
def test_sandbox_escape_attempts_are_refused(template: str) -> None:
    context = lead_context(tags=["t"], custom_fields={"k": "v"})
    with pytest.raises(TemplateProblem):
        render_message(None, template, context, seed="s", limits=RenderLimits())


def test_a_sandbox_refusal_says_so() -> None:
    assert "not allowed" in str(problem("{{ ''.__class__ }}"))


def test_a_syntax_error_has_a_line_number() -> None:
    caught = problem("Hi {{ first_name }},\n\n{% if x %}\nno end")
    assert caught.line is not None and caught.line >= 3
    assert f"line {caught.line}" in str(caught) and "syntax error in body template" in str(caught)
    assert problem("ok", subject="{{ x ").part == "subject"


def test_a_runtime_failure_is_a_template_problem() -> None:
    assert "ZeroDivisionError" in str(problem("{{ 1 / 0 }}"))


def test_subject_and_body_are_rendered_with_spintax_and_fields() -> None:
    context = lead_context()
    message = render_message("{Quick|Short} question for {{ company }}", "{Hi|Hello} {{ first_name }}!", context,
                             seed="lead-1", limits=RenderLimits())
    assert isinstance(message, RenderedMessage)
    assert message.subject in ("Quick question for Acme", "Short question for Acme")
    assert message.body in ("Hi Jane!", "Hello Jane!")
    assert render_message("{Quick|Short} question for {{ company }}", "{Hi|Hello} {{ first_name }}!", context,
                          seed="lead-1", limits=RenderLimits()) == message


def test_a_subject_that_renders_several_lines_is_rejected() -> None:
    caught = problem("body", {"x": "a\nb"}, subject="Hi {{ x }}")
    assert caught.field == "subject"
    assert problem("body", {}, subject="Hi\nthere").field == "subject"


def test_subject_is_none_when_not_given() -> None:
    assert render_message(None, "b", {}, seed="s", limits=RenderLimits()).subject is None


def test_line_endings_are_normalised_and_lines_right_trimmed() -> None:
    assert body("Hi {{ a }}   \r\nsecond\t\r\rthird  \n\n", {"a": "x"}) == "Hi x\nsecond\n\nthird"


def test_block_tags_leave_no_blank_lines() -> None:
    template = "Hi,\n{% if vip %}\nThanks for being a customer.\n{% endif %}\nBye"
    assert body(template, {"vip": True}) == "Hi,\nThanks for being a customer.\nBye"
    assert body(template, {"vip": False}) == "Hi,\nBye"


def test_text_bodies_are_not_html_escaped_but_html_bodies_are() -> None:
    assert body("{{ c }}", {"c": "Smith & <Sons>"}) == "Smith & <Sons>"
    html = render_html("<p>{{ c }}</p>", {"c": "Smith & <Sons>"}, seed="s", limits=RenderLimits())
    assert html == "<p>Smith &amp; &lt;Sons&gt;</p>"


def test_first_word_title_case_lower_and_upper_filters() -> None:
    context = {"company_name": "Initech Global Ltd", "name": "o'neil mcdonald-smith", "mixed": "McDonald iPhone"}
    assert body("{{ company_name | first_word }}", context) == "Initech"
    assert body("{{ name | title_case }} {{ mixed | title_case }}", context) == "O'Neil Mcdonald-Smith McDonald iPhone"
    assert body("{{ company_name | lower }} / {{ company_name | upper }}", context) == \
        "initech global ltd / INITECH GLOBAL LTD"


@pytest.mark.parametrize(("first_name", "company"), [("José", "Café Niño S.A."), ("Zoë", "Zürich Versicherung AG"),
                                                     ("李", "腾讯 Ltd"), ("Ngozi", "Ọ̀rẹ́ Ltd")])
def test_unicode_names_render(first_name: str, company: str) -> None:
    context = message_context({"first_name": first_name, "company_name": company})
    rendered = render_message("{Hi|Hello} {{ first_name }}", "{{ first_name | upper }} at {{ company }}", context,
                              seed="é", limits=RenderLimits())
    assert rendered.subject in (f"Hi {first_name}", f"Hello {first_name}")
    assert rendered.body == f"{first_name.upper()} at {company.rsplit(' ', 1)[0]}"


def test_check_template_reports_unknown_names() -> None:
    problems = check_template("About {{ compnay }}", "Hi {{ frist_name }} {{ first_name }} {{ lead.titel }} "
                              "{{ sender.nme }} {{ custom.anything }} {% set x = 1 %}{{ x }} {{ range(2) | list }}")
    assert problems == ["subject uses unknown name 'compnay'", "body uses unknown name 'frist_name'",
                        "body uses unknown field 'lead.titel'", "body uses unknown field 'sender.nme'"]


def test_check_template_looks_inside_every_spintax_alternative() -> None:
    assert check_template(None, "{Hi {{ first_name }}|Hey {{ nick }}}") == ["body uses unknown name 'nick'"]


def test_check_template_accepts_extra_names() -> None:
    assert check_template(None, "{{ meeting_link }}", extra_names=["meeting_link"]) == []


def test_check_template_reports_syntax_errors_with_their_line() -> None:
    [only] = check_template(None, "Hi\n{% if %}")
    assert only.startswith("syntax error in body template, line 2")


def test_check_template_is_happy_with_a_good_template() -> None:
    template = ("{Hi|Hello} {{ first_name | default('there') }},\n{% if company %}How is {{ company }}?{% endif %}\n"
                "{{ sender.signature | default(sender.name) }}")
    assert check_template("{Quick|Short} question", template) == []


def test_compiled_templates_are_cached() -> None:
    from aicmo.cam.templates.render import _compile

    _compile.cache_clear()
    for _ in range(3):
        body("cached {{ a }}", {"a": 1})
    info = _compile.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_undefined_values_inside_a_list_do_not_print_as_placeholders() -> None:
    with pytest.raises(TemplateProblem, match="not allowed"):
        render_message(None, "{{ (tags | map(attribute='__class__')) | list }}", {"tags": ["t"]}, seed="s",
                       limits=RenderLimits())
    assert problem("{{ [first_name] }}", {"first_name": None}).field == "first_name"
