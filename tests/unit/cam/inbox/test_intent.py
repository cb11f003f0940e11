"""Reply intent from a reply's own words, in the languages the inbox reads."""

import pytest

from aicmo.cam.inbox.intent import ReplyIntent, reply_intent

P, N, W, U = ReplyIntent.POSITIVE, ReplyIntent.NEGATIVE, ReplyIntent.WRONG_PERSON, ReplyIntent.NEUTRAL


@pytest.mark.parametrize(("text", "intent"), [
    ("Sounds interesting, can we book a call next week?", P),
    ("Happy to chat. What times work for you on Thursday?", P),
    ("Please send me more details and your pricing.", P),
    ("Klingt interessant, gerne einen Termin nächste Woche.", P),
    ("Ça m'intéresse, avec plaisir pour un échange.", P),
    ("Me interesa, agendemos una llamada.", P),
    ("Mi interessa, volentieri.", P),
    ("Ik ben geïnteresseerd, graag een afspraak.", P),
    ("Tenho interesse, vamos marcar uma conversa.", P),
    ("Not interested, thanks.", N),
    ("No thanks, we already use HubSpot for this.", N),
    ("I'm not interested in this at all.", N),
    ("Kein Interesse, danke.", N),
    ("Pas intéressé, merci.", N),
    ("No estamos interesados.", N),
    ("Non siamo interessati.", N),
    ("Geen interesse.", N),
    ("Não estamos interessados, obrigado.", N),
    ("I'm not the right person, please talk to my colleague Anna.", W),
    ("I left the company in May.", W),
    ("Ich bin nicht der richtige Ansprechpartner, wenden Sie sich an Herrn Maier.", W),
    ("Ce n'est pas la bonne personne.", W),
    ("Not right now, maybe next quarter.", U),
    ("What is this about?", U),
    ("", U),
])
def test_reads_what_the_reply_means(text: str, intent: ReplyIntent) -> None:
    assert reply_intent(text) is intent


def test_a_refusal_wins_over_the_word_interested_inside_it() -> None:
    assert reply_intent("Thanks, but we're not interested. Interesting idea though.") is N


def test_a_colleague_pointed_to_is_the_wrong_person_even_if_interest_is_mentioned() -> None:
    assert reply_intent("Not my area, but my colleague is interested: contact my colleague Bob.") is W


def test_an_invitation_to_call_later_is_not_read_as_the_wrong_person() -> None:
    assert reply_intent("Please contact me next week, I'm interested.") is P
    assert reply_intent("Not at the moment, thanks.") is not W
