"""The text rules under classification: quoted history stripped, unsubscribe requests told from mentions, and
return dates read from out-of-office wording."""

from datetime import date

import pytest

from aicmo.cam.inbox.autoreply import return_date
from aicmo.cam.inbox.reply_text import html_text, strip_quoted
from aicmo.cam.inbox.unsubscribe_request import asks_to_unsubscribe, is_unsubscribe_subject

OWN = "Yes, let's talk.\nThursday works."
QUOTED = "Hi,\nwe help teams like yours QUOTED.\nAlice"


@pytest.mark.parametrize("marker", [
    "On Tue, Dec 2, 2025 at 9:03 AM Alice Seller <alice@seller.example> wrote:",
    "On Tue, Dec 2, 2025 at 9:03 AM Alice Seller <alice@seller.example>\nwrote:",
    "On 2 Dec 2025, at 09:03, Alice Seller <alice@seller.example> wrote:",
    "Am 02.12.2025 um 09:03 schrieb Alice Seller <alice@seller.example>:",
    "Am Di., 2. Dez. 2025 um 09:03 Uhr schrieb Alice Seller <\nalice@seller.example>:",
    "Le mar. 2 déc. 2025 à 09:03, Alice Seller <alice@seller.example> a écrit :",
    "El mar, 2 dic 2025 a las 9:03, Alice Seller (<alice@seller.example>) escribió:",
    "Il giorno mar 2 dic 2025 alle ore 09:03 Alice Seller <alice@seller.example> ha scritto:",
    "Op di 2 dec 2025 om 09:03 schreef Alice Seller <alice@seller.example>:",
    "Em ter., 2 de dez. de 2025 às 09:03, Alice Seller <alice@seller.example> escreveu:",
    "-----Original Message-----",
    "-----Ursprüngliche Nachricht-----",
    "________________________________",
    "From: Alice Seller <alice@seller.example>\nSent: Tuesday, December 2, 2025 9:03 AM\nTo: Pat",
    "Von: Alice Seller <alice@seller.example>\nGesendet: Dienstag, 2. Dezember 2025 09:03\nAn: Pat",
    "De : Alice Seller <alice@seller.example>\nEnvoyé : mardi 2 décembre 2025 09:03",
    "Gesendet: Dienstag, 02. Dezember 2025 um 09:03 Uhr\nVon: \"Alice Seller\" <alice@seller.example>",
    "-- \nPat Lead | CTO",
    "--\nPat Lead | CTO",
    "Sent from my iPhone",
    "Von meinem iPhone gesendet",
])
def test_the_quoted_history_is_cut_at_each_kind_of_marker(marker: str) -> None:
    assert strip_quoted(f"{OWN}\n\n{marker}\n\n{QUOTED}") == OWN


def test_lines_quoted_with_angle_brackets_are_dropped_and_inline_answers_kept() -> None:
    text = "> Are you free on Thursday?\nYes.\n>> Earlier question\n> Budget?\nAbout 20k.\r\n"
    assert strip_quoted(text) == "Yes.\nAbout 20k."


def test_text_without_quotes_is_only_trimmed() -> None:
    assert strip_quoted("\n\n  Hello,\n\n\n\nSee you on Monday.  \n") == "Hello,\n\nSee you on Monday."


def test_a_sentence_that_starts_like_an_attribution_is_kept() -> None:
    text = "On second thought, we could meet next week.\nFrom my side Tuesday is best."
    assert strip_quoted(text) == text


@pytest.mark.parametrize("html", [
    '<div dir="ltr">Yes, let\'s talk.<br>Thursday works.</div><br><div class="gmail_quote gmail_quote_container">'
    '<div class="gmail_attr">On Tue, Dec 2, 2025 Alice &lt;a@s.example&gt; wrote:<br></div>'
    '<blockquote class="gmail_quote">Hi, QUOTED</blockquote></div>',
    '<div>Yes, let\'s talk.</div><div>Thursday works.</div><div id="appendonsend"></div><hr>'
    '<div id="divRplyFwdMsg"><b>From:</b> Alice<br><b>Sent:</b> Tuesday</div><div>Hi, QUOTED</div>',
    '<p>Yes, let\'s talk.<br>Thursday works.</p><div>On 2 Dec 2025, at 09:03, Alice &lt;a@s.example&gt; wrote:</div>'
    '<blockquote type="cite"><div>Hi, QUOTED</div></blockquote>',
], ids=["gmail", "outlook", "apple-mail"])
def test_html_only_replies_lose_their_quoted_part(html: str) -> None:
    assert strip_quoted(html_text(f"<html><body>{html}</body></html>", drop_quotes=True)) == OWN


UNSUBSCRIBE = [
    "Unsubscribe", "unsubscribe please", "Please remove me from your list.", "Take me off your mailing list, thanks.",
    "Stop emailing me.", "Please don't contact me again.", "Not interested please remove me",
    "Abmelden", "Bitte austragen.", "Bitte nehmen Sie mich aus Ihrem Verteiler.", "Keine E-Mails mehr, danke.",
    "Merci de me désinscrire.", "Je ne veux plus recevoir vos messages.", "Désabonnement svp",
    "Por favor, darme de baja.", "No me escriba más, gracias.", "Quiero que me den de baja de su lista",
    "Cancella la mia iscrizione, grazie.", "Non scrivetemi più.",
    "Graag afmelden.", "Haal me van uw lijst alstublieft.",
    "Por favor, quero descadastrar meu e-mail.", "Não quero receber mais e-mails, remova-me.",
]
NOT_UNSUBSCRIBE = [
    "Sounds good, let's talk on Thursday.", "Could you remove the old pricing sheet and send the new one?",
    "Please don't remove me, I'd like to hear more in January.", "How would I opt out of the trial later on? Asking "
    "because our legal team wants to know the exact terms before we sign anything with a new vendor this year.",
    "Ich melde mich nächste Woche bei Ihnen.", "Bitte nicht abmelden, wir sind interessiert.",
    "Merci, pouvez-vous m'envoyer la brochure ?", "Je ne veux pas me désinscrire, envoyez-moi la suite.",
    "La baja de precios nos interesa, cuéntame más.", "Gracias, ¿podemos hablar el jueves?",
    "Grazie, possiamo sentirci giovedì?", "Bedankt, ik meld me volgende week.", "Obrigado, pode me enviar o preço?",
    "",
]


@pytest.mark.parametrize("text", UNSUBSCRIBE)
def test_short_direct_requests_to_be_removed_are_recognised_in_each_language(text: str) -> None:
    assert asks_to_unsubscribe(text) is True


@pytest.mark.parametrize("text", NOT_UNSUBSCRIBE)
def test_ordinary_replies_and_refusals_are_not_requests_to_be_removed(text: str) -> None:
    assert not asks_to_unsubscribe(text)


def test_a_long_reply_is_not_a_request_even_with_the_words_in_it() -> None:
    filler = " ".join(["We are reviewing vendors for the next budget cycle and want details."] * 6)
    assert asks_to_unsubscribe("Please remove me from the CC list.")
    assert not asks_to_unsubscribe(f"Please remove me from the CC list. {filler}")


@pytest.mark.parametrize(("subject", "expected"), [
    ("unsubscribe", True), ("Unsubscribe me", True), ("STOP", True), ("Abmelden", True),
    ("Quick question about unsubscribe links", False), ("Your weekly digest", False),
])
def test_only_a_subject_that_is_nothing_but_the_request_counts(subject: str, expected: bool) -> None:
    assert is_unsubscribe_subject(subject) is expected


SENT = date(2025, 11, 27)


@pytest.mark.parametrize(("text", "sent", "expected"), [
    ("I will be back on Tuesday, 2 December.", SENT, date(2025, 12, 2)),
    ("Back on December 2nd, 2026.", SENT, date(2026, 12, 2)),
    ("I'm away and will return on Jan 5.", SENT, date(2026, 1, 5)),  # no year: the next 5 January
    ("Out of the office until 12/05/2026.", date(2026, 11, 28), date(2026, 12, 5)),  # US reading is the nearer
    ("Out of the office until 12/05/2026.", date(2026, 5, 2), date(2026, 5, 12)),  # day-first reading is nearer
    ("Out of the office until 12/05/2026.", None, date(2026, 5, 12)),
    ("Out of the office until 2026-12-05.", None, date(2026, 12, 5)),
    ("Ich bin bis zum 3. Dezember nicht im Büro.", SENT, date(2025, 12, 3)),
    ("Ab dem 3.12.2025 bin ich wieder erreichbar.", SENT, date(2025, 12, 3)),
    ("Je serai absente jusqu'au 4 décembre inclus.", SENT, date(2025, 12, 4)),
    ("De retour le 1er décembre 2025.", SENT, date(2025, 12, 1)),
    ("Estaré fuera hasta el 5 de diciembre.", SENT, date(2025, 12, 5)),
    ("Rientrerò il 9 dicembre.", SENT, date(2025, 12, 9)),
    ("Ik ben terug op 10 december.", SENT, date(2025, 12, 10)),
    ("Estou de férias até 11 de dezembro.", SENT, date(2025, 12, 11)),
    ("I will be back on 2 December.", None, None),  # no year and no date sent: unknown
    ("Back on 31 February 2026.", SENT, None),
    ("I am out of the office with limited access to email.", SENT, None),
    ("Back soon. The conference was on 3 March 2025.", SENT, None),
])
def test_the_return_date_is_read_from_the_wording_of_each_language(
        text: str, sent: date | None, expected: date | None) -> None:
    assert return_date(text, sent) == expected


@pytest.mark.parametrize("attribution", [
    "W dniu 2.12.2025 o 09:03, Alice Seller pisze:",
    "tis 2 dec. 2025 kl 09:03 skrev Alice Seller <alice@seller.example>:",
    "2 дек. 2025 г., в 9:03, Alice Seller <alice@seller.example> написал(а):",
    "вт, 2 груд. 2025 р. о 09:03 Alice Seller <alice@seller.example> пише:",
    "Alice Seller <alice@seller.example> 于2025年12月2日周二 09:03写道：",
])
def test_any_line_ending_in_a_colon_right_before_a_quote_starts_the_history(attribution: str) -> None:
    quote = "\n".join(f"> {line}" for line in QUOTED.split("\n"))
    assert strip_quoted(f"{OWN}\n\n{attribution}\n{quote}") == OWN


def test_a_header_block_in_any_language_starts_the_history() -> None:
    block = "Fra: Alice Seller <alice@seller.example>\nSendt: tirsdag 2. desember 2025 09:03\nTil: Bob\nEmne: Hei"
    assert strip_quoted(f"{OWN}\n\n{block}\n\n{QUOTED}") == OWN


def test_a_line_ending_in_a_colon_without_a_quote_after_it_is_the_senders_own() -> None:
    text = "Two options:\n- Thursday\n- Friday"
    assert strip_quoted(text) == text


def test_a_last_line_naming_a_time_is_kept_above_a_whole_attribution() -> None:
    text = "See you at 10:30\nOn Tue, Dec 2, 2025 at 9:03 AM Alice <alice@seller.example> wrote:\n> Hi"
    assert strip_quoted(text) == "See you at 10:30"


def test_words_written_below_the_quote_are_the_reply_when_nothing_is_above_it() -> None:
    text = "On 02/12/2025 09:03, Alice Seller wrote:\n> Hi,\n> shall we talk?\n\nYes, Thursday.\n\n-- \nBob"
    assert strip_quoted(text) == "Yes, Thursday."


def test_an_inline_answer_under_a_plain_lead_in_is_kept() -> None:
    text = "Thanks.\n\nYou asked:\n> what does it cost?\nTen euros a seat."
    assert strip_quoted(text) == "Thanks.\n\nYou asked:\nTen euros a seat."
