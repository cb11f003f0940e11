"""Honeypot fields: hidden from people, so left empty; visible and required fields never are."""

import pytest

from aicmo.cam.outreach.forms.model import Role
from tests.unit.cam.outreach.forms.test_fields import fields_of


@pytest.mark.parametrize("html", [
    '<input name="nickname" style="display:none">',
    '<input name="nickname" style="visibility: hidden">',
    '<div style="position:absolute; left:-5000px" aria-hidden="true"><input name="b_8f3a1c9e2d_4b7a2c"></div>',
    '<p style="position: fixed; top: -1000px"><input name="nickname"></p>',
    '<input name="nickname" tabindex="-1" autocomplete="off">',
    '<input name="honeypot">',
    '<input name="hp">',
    '<input name="website_url">',
    '<input name="fax">',
    '<input name="leave-blank">',
    '<input name="_gotcha">',
    '<label>Leave this field empty <input name="nickname"></label>',
    '<label>Dieses Feld bitte leer lassen <input name="nickname"></label>',
    '<label for="x">Ne pas remplir ce champ</label><input id="x" name="nickname">',
    '<div class="hidden"><input name="nickname"></div>',
    '<input name="nickname" class="trap-field" style="opacity: 0; height: 0">',
])
def test_hidden_or_trap_named_fields_are_honeypots(html: str) -> None:
    (field,) = fields_of(html).values()
    assert field.role is Role.HONEYPOT


def test_a_class_hidden_by_the_pages_own_stylesheet_marks_a_honeypot() -> None:
    fields = fields_of('<div class="xq-field"><input name="nickname"></div><input name="email" type="email">',
                       head="<style>.other{color:red} .xq-field, #zz { position:absolute; left:-10000px }</style>")
    assert fields["nickname"].role is Role.HONEYPOT
    assert fields["email"].role is Role.EMAIL


@pytest.mark.parametrize("html", [
    '<input name="fax" required>',  # people must fill it, so it is no trap
    '<input name="website" type="url">',
    '<input type="hidden" name="csrf_token" value="abc">',  # hidden inputs carry tokens, not traps
    '<input type="checkbox" name="privacy" class="visually-hidden" style="opacity:0">',  # a custom-drawn checkbox
])
def test_ordinary_fields_are_not_honeypots(html: str) -> None:
    (field,) = fields_of(html).values()
    assert field.role is not Role.HONEYPOT
