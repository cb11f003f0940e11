"""What each control of a form asks for, read from HTML snippets in several languages."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.forms.fields import read_fields
from aicmo.cam.outreach.forms.honeypot import hidden_selectors
from aicmo.cam.outreach.forms.model import FormField, Role


def fields_of(inner: str, head: str = "") -> dict[str, FormField]:
    tree = LexborHTMLParser(f"<html><head>{head}</head><body><form>{inner}<button>Go</button></form></body></html>")
    form = tree.css_first("form")
    assert form is not None
    return {f.name: f for f in read_fields(form, tree, hidden_selectors(tree)) if f.name}


def role_of(inner: str) -> Role:
    (field,) = fields_of(inner).values()
    return field.role


@pytest.mark.parametrize(("html", "role"), [
    ('<input type="email" name="x1">', Role.EMAIL),
    ('<input type="tel" name="x1">', Role.PHONE),
    ('<input name="x1" autocomplete="given-name">', Role.FIRST_NAME),
    ('<input name="x1" autocomplete="section-a family-name">', Role.LAST_NAME),
    ('<input name="firstName">', Role.FIRST_NAME),
    ('<input name="fname">', Role.FIRST_NAME),
    ('<input name="last_name">', Role.LAST_NAME),
    ('<input name="your-email">', Role.EMAIL),
    ('<input name="contact[email]">', Role.EMAIL),
    ('<input name="x1" placeholder="E-Mail-Adresse">', Role.EMAIL),
    ('<input name="x1" aria-label="Correo electrónico">', Role.EMAIL),
    ('<input name="x1" placeholder="Courriel">', Role.EMAIL),
    ('<input name="x1" placeholder="Nombre de la empresa">', Role.COMPANY),
    ('<input name="x1" placeholder="Nome azienda">', Role.COMPANY),
    ('<input name="x1" placeholder="Firmenname">', Role.COMPANY),
    ('<input name="x1" placeholder="Société">', Role.COMPANY),
    ('<input name="x1" placeholder="Bedrijfsnaam">', Role.COMPANY),
    ('<input name="x1" placeholder="Téléphone">', Role.PHONE),
    ('<input name="x1" placeholder="Teléfono">', Role.PHONE),
    ('<input name="x1" placeholder="Oggetto">', Role.SUBJECT),
    ('<input name="x1" placeholder="Onderwerp">', Role.SUBJECT),
    ('<input name="x1" placeholder="Asunto">', Role.SUBJECT),
    ('<input name="x1" placeholder="Objet">', Role.SUBJECT),
    ('<textarea name="x1"></textarea>', Role.MESSAGE),
    ('<textarea name="x1" placeholder="Mensagem"></textarea>', Role.MESSAGE),
    ('<input name="x1" placeholder="Nachricht">', Role.MESSAGE),
    ('<input name="x1" placeholder="Your name">', Role.FULL_NAME),
    ('<input name="x1" placeholder="Nome e cognome">', Role.FULL_NAME),
    ('<input name="x1" placeholder="Nombre y apellidos">', Role.FULL_NAME),
    ('<label>Ihr Name <input name="x1"></label>', Role.FULL_NAME),
    ('<input type="search" name="q">', Role.SEARCH),
    ('<input name="s">', Role.SEARCH),
    ('<input type="hidden" name="csrf" value="t0k3n">', Role.HIDDEN),
    ('<input name="budget" required>', Role.OTHER),
])
def test_a_control_is_read_from_its_type_name_placeholder_or_label(html: str, role: Role) -> None:
    assert role_of(html) is role


def test_labels_for_ids_name_german_fields_that_have_no_name_hints() -> None:
    fields = fields_of("""
        <label for="a">Vorname</label><input id="a" name="a"> <label for="b">Nachname</label><input id="b" name="b">
        <label for="c">E-Mail</label><input id="c" name="c"> <label for="d">Unternehmen</label><input id="d" name="d">
        <label for="e">Telefon</label><input id="e" name="e"> <label for="f">Betreff</label><input id="f" name="f">
        <label for="g">Nachricht</label><textarea id="g" name="g"></textarea>""")
    assert [f.role for f in fields.values()] == [Role.FIRST_NAME, Role.LAST_NAME, Role.EMAIL, Role.COMPANY,
                                                 Role.PHONE, Role.SUBJECT, Role.MESSAGE]


@pytest.mark.parametrize(("first", "second", "roles"), [
    ("Nom", "Prénom", (Role.LAST_NAME, Role.FIRST_NAME)),  # French
    ("Nome", "Cognome", (Role.FIRST_NAME, Role.LAST_NAME)),  # Italian
    ("Nombre", "Apellidos", (Role.FIRST_NAME, Role.LAST_NAME)),  # Spanish
    ("Name", "Vorname", (Role.LAST_NAME, Role.FIRST_NAME)),  # German
    ("Voornaam", "Achternaam", (Role.FIRST_NAME, Role.LAST_NAME)),  # Dutch
    ("Naam", "Bedrijf", (Role.FULL_NAME, Role.COMPANY)),  # Dutch: a lone "name" is the whole name
])
def test_a_plain_name_field_is_the_part_of_the_name_the_form_does_not_ask_for_elsewhere(
        first: str, second: str, roles: tuple[Role, Role]) -> None:
    fields = fields_of(f'<label>{first} <input name="a"></label><label>{second} <input name="b"></label>')
    assert (fields["a"].role, fields["b"].role) == roles


def test_required_comes_from_the_attribute_aria_or_a_star_in_the_label() -> None:
    fields = fields_of('<input name="a" required><input name="b" aria-required="true">'
                       '<label for="c">Firma *</label><input id="c" name="c"><input name="d">')
    assert [f.required for f in fields.values()] == [True, True, True, False]


@pytest.mark.parametrize(("label", "role"), [
    ("I agree to the privacy policy", Role.CONSENT),
    ("Ich stimme der Datenschutzerklärung zu", Role.CONSENT),
    ("J'accepte les conditions", Role.CONSENT),
    ("Acepto la política de privacidad", Role.CONSENT),
    ("Acconsento al trattamento dei dati", Role.CONSENT),
    ("Ik ga akkoord met de privacyverklaring", Role.CONSENT),
    ("Subscribe me to the newsletter", Role.OPT_IN),
    ("I agree to receive marketing emails", Role.OPT_IN),
    ("Ja, ich möchte den Newsletter erhalten", Role.OPT_IN),
    ("Send me a copy", Role.OTHER),
])
def test_checkboxes_are_consent_boxes_or_opt_ins(label: str, role: Role) -> None:
    assert role_of(f'<label><input type="checkbox" name="c"> {label}</label>') is role


def test_select_options_and_radio_groups_are_read_with_their_choices() -> None:
    fields = fields_of("""
        <select name="topic" required><option value="">--</option><option value="s" selected>Sales</option>
        <option disabled>Closed</option></select>
        <label><input type="radio" name="via" value="mail" checked> Mail</label>
        <label><input type="radio" name="via" value="phone"> Phone</label>""")
    assert fields["topic"].kind == "select" and fields["topic"].role is Role.CHOICE
    assert [(o.value, o.selected, o.disabled) for o in fields["topic"].options] == [
        ("", False, False), ("s", True, False), ("Closed", False, True)]
    assert [(o.value, o.selected) for o in fields["via"].options] == [("mail", True), ("phone", False)]


def test_disabled_and_unnamed_controls_are_not_sent() -> None:
    tree = LexborHTMLParser('<form><input name="a" disabled><input placeholder="x"><input type="file" name="f">'
                            '</form>')
    form = tree.css_first("form")
    assert form is not None
    assert {f.role for f in read_fields(form, tree)} == {Role.IGNORED}
