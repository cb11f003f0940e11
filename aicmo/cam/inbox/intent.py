"""What a person's reply means for the deal: interested, not interested, the wrong person, or neither.

Read from the reply's own words (quoted history already removed) in the languages the inbox reads: English,
German, French, Spanish, Italian, Dutch and Portuguese. Refusals and redirections are settled before interest,
since "not interested" and "I'm not the right person, but my colleague is interested" both contain the word.
Anything unsure is NEUTRAL: a salesperson reads it, and can correct any intent.
"""

import re
from enum import StrEnum

from aicmo.cam.inbox.reply_text import fold


class ReplyIntent(StrEnum):
    POSITIVE = "positive"  # wants to talk, asks for times, details or pricing
    NEUTRAL = "neutral"  # a question, "later", anything unsure
    NEGATIVE = "negative"  # not interested, no need, already served
    WRONG_PERSON = "wrong_person"  # not their area, left the company, points to someone else
    AUTO_REPLY = "auto_reply"  # out of office, autoresponder (set from the message's kind)
    UNSUBSCRIBE = "unsubscribe"  # asked to be removed (set from the message's kind)


def _any(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(phrases) + r")(?!\w)")


# Matched against folded text: lower case, no accents, straight apostrophes, single spaces.
_WRONG_PERSON = _any(
    r"(?:not|no longer) the (?:right|correct|best) (?:person|contact)", r"wrong (?:person|contact)",
    r"no longer (?:with|at|works? (?:at|for)|working (?:at|for))", r"(?:has |have )?left the company",
    r"(?:contact|reach out to|speak (?:to|with)|talk to|ask) (?:my|our) (?:colleague|team|manager|boss|head)",
    r"not my (?:area|department|role)",
    r"i'm not responsible", r"i am not responsible",
    r"nicht (?:der|die) (?:richtige|zustandige)n? (?:ansprechpartner(?:in)?|person)",
    r"nicht mehr (?:bei|im unternehmen)",
    r"wenden sie sich (?:bitte )?an",
    r"pas la bonne personne", r"ne (?:travaille|fais) plus (?:chez|partie)", r"(?:adressez|contactez)-vous a",
    r"no soy la persona (?:adecuada|correcta)", r"ya no trabajo", r"contacte con mi (?:colega|companer[oa]|jef[ea])",
    r"non sono la persona giusta", r"non lavoro piu",
    r"niet de juiste persoon", r"werk(?:t)? (?:hier )?niet meer",
    r"nao sou a pessoa certa", r"nao trabalho mais",
)
_NEGATIVE = _any(
    r"not interested", r"no interest", r"(?:we're|we are|i'm|i am) (?:not|no longer) (?:looking|interested)",
    r"no thanks?", r"no,? thank you", r"not (?:a fit|for us|relevant|a priority)", r"(?:we|i) (?:don't|do not) need",
    r"(?:we )?already (?:have|use|work with)", r"we(?:'re| are) (?:all )?(?:set|covered|good)", r"pass on this",
    r"kein(?:e|en)? (?:interesse|bedarf)", r"nicht interessiert", r"(?:haben|nutzen) bereits", r"nein,? danke",
    r"pas interesse(?:e|s)?", r"aucun (?:interet|besoin)", r"non merci", r"avons deja",
    r"no (?:estoy|estamos) interesad[oa]s?", r"no nos interesa", r"no,? gracias", r"ya (?:tenemos|usamos)",
    r"non (?:sono|siamo) interessat[io]", r"non ci interessa", r"no,? grazie", r"abbiamo gia",
    r"geen interesse", r"niet geinteresseerd", r"nee,? (?:dank je|bedankt)", r"hebben al",
    r"nao (?:estou|estamos|tenho|temos) interess(?:ado|ados|e)", r"nao,? obrigad[oa]", r"ja (?:temos|usamos)",
)
_POSITIVE = _any(
    r"(?:i'm|i am|we're|we are|sounds|very|definitely) interest(?:ed|ing)", r"interested in", r"tell me more",
    r"(?:let's|lets|happy to|glad to|would like to|i'd like to|love to) (?:talk|chat|connect|meet|hop on|set up)",
    r"(?:book|schedule|set up|arrange) (?:a |some )?(?:call|meeting|demo|time)",
    r"send (?:me|us|over) (?:more|the|some)",
    r"what(?: times?| days?)? (?:works|suits|are you free|is your availability)", r"sounds (?:good|great)",
    r"(?:free|available) (?:on|next|this|tomorrow|monday|tuesday|wednesday|thursday|friday)", r"calendly",
    r"(?:call|contact|e-?mail) me (?:next|on|tomorrow|this)", r"pricing", r"how much (?:does|is|would)",
    r"interessiert mich", r"(?:gerne|gern) (?:mehr|einen termin|telefonieren|sprechen)", r"klingt (?:gut|interessant)",
    r"termin (?:vereinbaren|ausmachen)", r"(?:ca|cela) m'interesse", r"(?:je suis|nous sommes) interesse",
    r"avec plaisir", r"prenons (?:rendez-vous|un rdv)", r"me interesa", r"(?:estoy|estamos) interesad",
    r"agendemos", r"con gusto", r"mi interessa", r"(?:sono|siamo) interessat", r"volentieri",
    r"ik ben geinteresseerd", r"klinkt (?:goed|interessant)", r"graag (?:meer|een afspraak)",
    r"tenho interesse", r"(?:estou|estamos) interessad", r"vamos (?:marcar|conversar)",
)
# "Not now, maybe next quarter" is a no for today, not a refusal: a person follows it up.
_LATER = _any(r"not (?:right )?now", r"maybe later", r"next (?:quarter|year)", r"reach out (?:again )?in",
              r"(?:spater|plus tard|mas tarde|piu tardi|later) (?:nochmal|again|encore|de nuevo)?")


def reply_intent(text: str | None) -> ReplyIntent:
    """The intent of a person's reply; NEUTRAL when no sign is clear. The subject is not read: it is usually ours."""
    folded = fold(text or "")
    if not folded:
        return ReplyIntent.NEUTRAL
    if _WRONG_PERSON.search(folded):
        return ReplyIntent.WRONG_PERSON
    if _NEGATIVE.search(folded):
        return ReplyIntent.NEGATIVE
    if _LATER.search(folded):
        return ReplyIntent.NEUTRAL
    if _POSITIVE.search(folded):
        return ReplyIntent.POSITIVE
    return ReplyIntent.NEUTRAL
