"""Does a reply ask to be removed? Short, direct requests in English, German, French, Spanish, Italian, Dutch and
Portuguese count; a long reply that mentions the word in passing does not, nor a negated one ("don't remove me")."""

import re

from aicmo.cam.inbox.reply_text import fold

# Matched against folded text: lower case, no accents, straight apostrophes.
_PHRASES = [
    # English
    r"unsubscribe (?:me|us)", r"please unsubscribe", r"remove (?:me|us)\b",
    r"remove (?:my|our|this) (?:e-?mail|address|name|details)", r"take (?:me|us|my (?:e-?mail|address|name)) off",
    r"opt (?:me|us) out", r"stop (?:e-?mailing|contacting|messaging|spamming|writing to) (?:me|us)",
    r"stop sending (?:me|us|these|this|e-?mails)",
    r"(?:do not|don't|dont|never) (?:contact|e-?mail|message|write to|reach out to) (?:me|us)",
    r"(?:do not|don't|dont) (?:want|wish) to (?:receive|hear|get)",
    r"no (?:more|further) (?:e-?mails|messages|contact)",
    r"(?:delete|erase) (?:my|our) (?:data|details|e-?mail|address)",
    # German
    r"melden sie (?:mich|uns) (?:\w+ ){0,3}ab", r"bitte (?:\w+ ){0,2}austragen",
    r"tragen sie (?:mich|uns) (?:\w+ ){0,4}aus",
    r"nehmen sie (?:mich|uns) (?:\w+ ){0,5}(?:aus|von)", r"entfernen sie (?:mich|uns|meine)",
    r"loschen sie (?:\w+ ){0,2}(?:mich|meine|uns)", r"keine (?:weiteren )?(?:e-?mails|mails|nachrichten|werbung) mehr",
    r"(?:kontaktieren|schreiben|anschreiben) sie (?:mich|uns) (?:bitte )?nicht mehr",
    r"schreiben sie mir (?:bitte )?nicht mehr", r"(?:mochte|will) (?:\w+ ){0,3}abmelden",
    # French
    r"(?:me|nous) desinscrire", r"(?:me|nous) desabonner", r"ne (?:plus|pas) (?:recevoir|etre contacte)",
    r"ne (?:veux|souhaite) plus (?:recevoir|etre)", r"retirez[- ](?:moi|mon adresse)",
    r"supprimez[- ](?:moi|mon adresse|mes (?:donnees|coordonnees))",
    r"ne (?:me )?(?:contactez|ecrivez|sollicitez) plus",
    r"ne m'(?:ecrivez|envoyez|contactez) plus", r"arretez de m'(?:ecrire|envoyer|contacter)",
    # Spanish
    r"(?:dar|darme|darnos|den|denme|deme|dame) de baja", r"baja de (?:su|sus|la|esta) (?:lista|base)",
    r"no me (?:escriba|escriban|contacte|contacten|envie|envien|vuelva|vuelvan)",
    r"(?:elimin|quit)(?:en|e|ar)(?:me)? de (?:su|sus|la|esta) (?:lista|base)",
    r"dej(?:en|e) de (?:escribirme|enviarme|contactarme)", r"no (?:quiero|deseo) recibir",
    # Italian
    r"cancella(?:re|temi|mi)? (?:la )?(?:mia )?iscrizione", r"disiscriver(?:mi|ci)", r"cancellatemi", r"rimuovetemi",
    r"rimuovere (?:il )?mio", r"non (?:contattatemi|scrivetemi) piu",
    r"non (?:voglio|desidero) piu (?:ricevere|essere)",
    # Dutch
    r"meld (?:me|mij|ons) af", r"schrijf (?:me|mij|ons) uit", r"haal (?:me|mij|ons) (?:\w+ ){0,3}(?:van|uit)",
    r"verwijder (?:me|mij|mijn|ons)", r"geen (?:e-?mails|mails|berichten) meer",
    r"niet meer (?:mailen|contacteren|benaderen)",
    # Portuguese
    r"cancelar (?:a )?(?:minha )?inscricao", r"remova-?me", r"remover (?:o )?meu (?:e-?mail|endereco)",
    r"nao (?:quero )?(?:receber|me envie|me contate|me contacte) mais", r"parem de (?:me )?enviar",
    r"me (?:tire|tirem) da lista",
]
# A single word is a request only when it is most of what the reply says.
_WORDS = [r"unsubscribe", r"opt[- ]?out", r"abmelden", r"austragen", r"abbestellen", r"desinscri\w*", r"desabonn\w*",
          r"afmelden", r"uitschrijven", r"descadastr\w*", r"disiscri\w*"]
_PHRASE = re.compile(r"(?<!\w)(?:" + "|".join(_PHRASES) + ")")
_WORD = re.compile(r"(?<!\w)(?:" + "|".join(_WORDS) + r")(?!\w)")
# A request right after one of these is refused or discussed, not made: "please don't remove me".
_NEGATED = re.compile(r"(?<!\w)(?:don't|dont|do not|never|no need to|not|nicht|pas|non|niet|nao) (?:\w+ )?$")
_SUBJECT = re.compile(
    r"(?:please |bitte |svp |por favor )?(?:unsubscribe(?: me)?|remove(?: me)?|stop|opt[- ]?out|abmelden|austragen"
    r"|desinscription|desabonnement|desinscrire|baja|darme de baja|cancellami|disiscrivimi|afmelden|uitschrijven"
    r"|descadastrar)(?: please| bitte| svp| por favor)?"
)
_LONG = 60  # words: beyond this a reply says more than "remove me"
_SHORT = 15


def asks_to_unsubscribe(text: str) -> bool:
    """Whether this reply text, quoted history already removed, is a request to stop being contacted."""
    folded = fold(text)
    words = len(re.findall(r"\w+", folded))
    if not folded or words > _LONG:
        return False
    matches = [*_PHRASE.finditer(folded), *(_WORD.finditer(folded) if words <= _SHORT else ())]
    return any(not _NEGATED.search(folded[:match.start()]) for match in matches)


def is_unsubscribe_subject(subject: str) -> bool:
    """Whether a subject is nothing but an unsubscribe request, as List-Unsubscribe mailto links send."""
    return bool(_SUBJECT.fullmatch(fold(subject).strip(" .!:-")))
