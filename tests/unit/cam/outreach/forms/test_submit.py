"""Filling a form with the sender's identity: what is sent for each kind of field, and what is refused."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from aicmo.cam.outreach.forms.find import read_forms
from aicmo.cam.outreach.forms.model import ContactForm, FormField, Option, Role, SenderIdentity
from aicmo.cam.outreach.forms.submit import CannotFill, choose_option, fill, subject_line
from tests.integration.cam.outreach.forms import pages
from tests.integration.cam.outreach.forms.factories import SENDER


def form_of(html: str) -> ContactForm:
    return read_forms(LexborHTMLParser(html), "https://acme.example/contact")[0]


def filled(html: str, sender: SenderIdentity = SENDER) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in fill(form_of(html), sender, "Hello", "The body"):
        found.setdefault(name, []).append(value)
    return found


def test_the_german_form_gets_the_senders_names_email_company_and_the_consent_box_only() -> None:
    assert filled(pages.GERMAN_LABELS_ONLY) == {
        "f1": ["Sam"], "f2": ["Sender"], "f3": ["sam@sender.example"], "f4": ["Sender GmbH"],
        "f5": ["+49 30 1234567"], "f6": ["Hello"], "f7": ["The body"], "f8": ["ja"]}


def test_hidden_fields_keep_their_values_and_honeypots_go_empty() -> None:
    sent = filled(pages.HONEYPOT)
    assert sent == {"name": ["Sam Sender"], "email": ["sam@sender.example"], "website": [""], "comment_check": [""],
                    "fax": [""], "message": ["The body"]}
    with_token = filled('<form><input type="hidden" name="csrf" value="a1b2"><textarea name="m"></textarea>'
                        '<button name="go" value="1">Send</button></form>')
    assert with_token == {"csrf": ["a1b2"], "m": ["The body"], "go": ["1"]}


def test_a_prechecked_newsletter_box_is_unticked_and_a_prechecked_consent_box_stays() -> None:
    sent = filled('<form><textarea name="m"></textarea><label><input type="checkbox" name="nl" checked> Newsletter'
                  '</label><label><input type="checkbox" name="pp" value="y" checked> Privacy policy</label>'
                  "<button>Go</button></form>")
    assert sent == {"m": ["The body"], "pp": ["y"]}


def test_a_required_field_we_do_not_understand_is_not_guessed() -> None:
    with pytest.raises(CannotFill, match="'Budget'"):
        filled('<form><label>Budget <input name="b" required></label><textarea name="m"></textarea></form>')
    with pytest.raises(CannotFill, match="not a consent box"):
        filled('<form><textarea name="m"></textarea><label><input type="checkbox" name="x" required> I am human'
               "</label></form>")


def test_a_required_phone_field_needs_a_sender_phone() -> None:
    html = '<form><input type="tel" name="p" required><textarea name="m"></textarea></form>'
    with pytest.raises(CannotFill, match="phone"):
        filled(html, SenderIdentity(full_name="Sam Sender", email="sam@sender.example"))


def test_only_the_first_message_box_gets_the_message() -> None:
    sent = filled('<form><textarea name="m1"></textarea><textarea name="m2">kept</textarea></form>')
    assert sent == {"m1": ["The body"], "m2": ["kept"]}


def choice(*options: Option, required: bool = True, kind: str = "select") -> FormField:
    return FormField(name="c", kind=kind, role=Role.CHOICE, required=required, options=options)


@pytest.mark.parametrize(("field", "value"), [
    (choice(Option("", "-- choose --"), Option("sup", "Support"), Option("sal", "Sales")), "sal"),
    (choice(Option("", "Bitte wählen"), Option("a", "Presse"), Option("b", "Allgemeine Anfrage")), "b"),
    (choice(Option("x", "Alpha"), Option("y", "Beta", selected=True)), "y"),
    (choice(Option("", "Country"), Option("fr", "France"), required=False), ""),
    (choice(Option("a", "A"), Option("b", "B"), required=False, kind="radio"), None),
    (choice(Option("z", "Other", disabled=True), Option("y", "Yes")), "y"),
])
def test_a_required_choice_gets_a_sensible_option_and_others_keep_their_default(field: FormField,
                                                                                  value: str | None) -> None:
    assert choose_option(field) == value


def test_a_missing_subject_becomes_the_messages_first_line() -> None:
    assert subject_line(None, "\n  Hi Lea,\nmore") == "Hi Lea,"
    assert subject_line("Given", "body") == "Given"
    assert len(subject_line(None, "x" * 200)) == 78


@pytest.mark.parametrize(("field", "value"), [
    (choice(Option("0", "Bitte wählen", selected=True), Option("1", "Presse"), Option("2", "Vertrieb")), "2"),
    (choice(Option("Bitte wählen", "Bitte wählen"), Option("s", "Support"), Option("g", "General enquiry"),
            Option("o", "Other")), "g"),
    (choice(Option("-1", "-- Please select --"), Option("s", "Support"), Option("o", "Other")), "o"),
    (choice(Option("", "Select a topic"), Option("x", "Sales"), required=False), ""),  # not a topic select
    (FormField(name="subject", kind="select", role=Role.CHOICE, label="Subject",
               options=(Option("", "Please select"), Option("sales", "Sales"))), "sales"),  # a topic: chosen
    (choice(Option("s", "Support"), Option("o", "Other"), kind="radio"), "o"),
])
def test_a_choice_left_on_its_placeholder_gets_an_option_chosen_by_meaning(field: FormField, value: str) -> None:
    assert choose_option(field) == value


@pytest.mark.parametrize("field", [
    choice(Option("0", "Bitte wählen", selected=True), Option("1", "Bewerbung"), Option("2", "Reklamation")),
    choice(Option("", "Choose"), Option("x", "Alpha"), Option("y", "Beta")),
    choice(Option("", "Please select")),
])
def test_a_required_choice_no_option_fits_is_left_to_a_person_never_sent_empty(field: FormField) -> None:
    with pytest.raises(CannotFill, match="no option fits a sales message"):
        choose_option(field)
