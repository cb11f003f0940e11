"""The words that say what a field, a form or a page is, in English and the main European languages.

Every pattern runs on text passed through `plain`: lower case, accents removed, camelCase split, punctuation
turned into spaces ("E-Mail-Adresse" -> "e mail adresse", "firstName" -> "first name", "Prénom*" -> "prenom").
"""

import re
import unicodedata
from functools import lru_cache

from aicmo.cam.outreach.forms.model import Role

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    """Lower-case, accent-free words separated by single spaces."""
    text = _CAMEL.sub(" ", text)
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(rf"(?:{p})" for p in patterns))


# Tried in this order on each hint of a field: the first role whose words match wins, so the specific
# ("company name", "last name") goes before the general ("name").
FIELD_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.FULL_NAME, _words(
        r"\bfull ?name\b", r"\bvollstandiger name\b", r"\bvor ?(und )?nach ?name\b", r"\bname vorname\b",
        r"\bnom complet\b", r"\bnom (et )?prenom\b", r"\bprenom (et )?nom\b", r"\bnombre (y )?apellidos?\b",
        r"\bnombre completo\b", r"\bnome (e )?cognome\b", r"\bnome completo\b", r"\bvoor ?(en )?achter ?naam\b",
        r"\bvolledige naam\b")),
    (Role.FIRST_NAME, _words(
        r"\bfirst ?name\b", r"\bf ?name\b", r"\bgiven ?name\b", r"\bfore ?name\b", r"\bvor ?name\b", r"\bprenom\b",
        r"\bprimer nombre\b", r"\bvoor ?naam\b", r"\bprimeiro nome\b", r"\bfirst\b")),
    (Role.LAST_NAME, _words(
        r"\blast ?name\b", r"\bl ?name\b", r"\bsur ?name\b", r"\bfamily ?name\b", r"\bnach ?name\b",
        r"\bfamilien ?name\b", r"\bnom de famille\b", r"\bapellidos?\b", r"\bcognome\b", r"\bachter ?naam\b",
        r"\bsobre ?nome\b", r"\bultimo nome\b", r"\blast\b")),
    (Role.EMAIL, _words(
        r"\be ?mail", r"\bmail\b", r"\bcorreo\b", r"\bcourriel\b", r"\bposta elettronica\b", r"\bmail ?adres")),
    (Role.COMPANY, _words(
        r"\bcompany", r"\borgani[sz]ation", r"\borg\b", r"\bfirm", r"\bunternehmen", r"\bsociete\b",
        r"\bentreprise\b", r"\bempresa\b", r"\bazienda\b", r"\bsocieta\b", r"\bbedrijf", r"\borganisatie\b",
        r"\bbusiness\b", r"\bemployer\b", r"\bcompagnie\b")),
    (Role.PHONE, _words(
        r"\bphone", r"\btele?phone", r"\btel\b", r"\btelef", r"\btelf\b", r"\bmobile?\b", r"\bhandy\b",
        r"\bcell", r"\bfon\b", r"\bportable\b", r"\bmovil\b", r"\bcelular\b", r"\bgsm\b", r"\bruckruf")),
    (Role.WEBSITE, _words(
        r"\bwebsite\b", r"\bweb ?site\b", r"\bhomepage\b", r"\bsite web\b", r"\bsitio web\b", r"\bwebseite\b",
        r"\bsito web\b", r"\burl\b", r"\bweb\b")),
    (Role.SUBJECT, _words(
        r"\bsubject\b", r"\bbetreff\b", r"\bobjet\b", r"\bsujet\b", r"\basunto\b", r"\boggetto\b",
        r"\bonderwerp\b", r"\bassunto\b", r"\btopic\b", r"\bregarding\b", r"\bthema\b", r"\bmotivo\b")),
    (Role.MESSAGE, _words(
        r"\bmessage", r"\bnachricht", r"\bmensaje\b", r"\bmessaggio\b", r"\bbericht\b", r"\bmensagem\b",
        r"\bcomments?\b", r"\bkommentar\b", r"\bcommentaire\b", r"\bcomentarios?\b", r"\bcommento\b",
        r"\banliegen\b", r"\b[ei]nquiry\b", r"\banfrage\b", r"\bdemande\b", r"\bconsulta\b", r"\brichiesta\b",
        r"\bvraag\b", r"\bquestion", r"\bfrage\b", r"\bdetails\b", r"\bbody\b", r"\bmsg\b", r"\bhow can we help\b",
        r"\bwie konnen wir\b", r"\bmitteilung\b", r"\bopmerking")),
    (Role.NAME, _words(r"\bname\b", r"\bnom\b", r"\bnombre\b", r"\bnome\b", r"\bnaam\b", r"\bnamen?\b",
                       r"\bcontact ?name\b", r"\bname\w*")),
)

CONSENT_WORDS = _words(
    r"privacy", r"datenschutz", r"consent", r"\bagree", r"\baccept", r"einverstanden", r"zustimm", r"einwillig",
    r"akzeptier", r"\bdsgvo\b", r"\bgdpr\b", r"\brgpd\b", r"\bavg\b", r"confidentialite", r"donnees personnelles",
    r"privacidad", r"\bacepto\b", r"proteccion de datos", r"consenso", r"\baccetto\b", r"trattamento", r"akkoord",
    r"toestemming", r"\bconcordo\b", r"\baceito\b", r"\bterms\b", r"bedingungen", r"\bconditions\b", r"\bagb\b",
    r"politique", r"\bpolicy\b", r"\bj accepte\b")
OPT_IN_WORDS = _words(
    r"newsletter", r"subscribe", r"\babonn", r"suscrib", r"iscriv", r"inschrijv", r"marketing", r"\bupdates\b",
    r"\boffers\b", r"angebote", r"werbung", r"promo", r"nieuwsbrief", r"news\b", r"mailing", r"offres",
    r"ofertas", r"offerte", r"aanbieding", r"informiert", r"keep me")

SEARCH_WORDS = _words(r"\bsearch", r"\bsuche?\b", r"\brecherche", r"\bbuscar?\b", r"\bbusqueda\b", r"\bcerca\b",
                      r"\bzoek", r"\bpesquis", r"\bsearchform\b")
NEWSLETTER_WORDS = _words(r"newsletter", r"subscri", r"\babonn", r"suscri", r"iscriv", r"nieuwsbrief",
                          r"mailchimp", r"list manage", r"\bmc embedded\b", r"\bsignup\b", r"sign up")
LOGIN_WORDS = _words(r"\blog ?in\b", r"\bsign ?in\b", r"\banmelden\b", r"\bconnexion\b", r"\bregist")
CONTACT_FORM_WORDS = _words(
    r"\bcontact", r"\bkontakt", r"\bcontacto\b", r"\bcontatt", r"\bcontato\b", r"\b[ei]nquiry\b", r"\banfrage\b",
    r"\bmessage\b", r"\bwpcf7\b", r"\bwpforms\b", r"\bfeedback\b", r"\bget in touch\b")

# Words of a link to the site's contact page, in its href or its text.
CONTACT_LINK_WORDS = _words(
    r"\bcontact", r"\bkontakt", r"\bcontacto\b", r"\bcontactenos\b", r"\bcontactez\b", r"\bnous contacter\b",
    r"\bcontatti\b", r"\bcontatto\b", r"\bcontato\b", r"\bfale conosco\b", r"\bget in touch\b",
    r"\bschreiben sie uns\b", r"\bneem contact\b", r"\bcontacteer\b", r"\bwrite to us\b", r"\bescribenos\b",
    r"\bcontacta\b", r"\bscrivici\b")

# The options a sender writing to sales may pick in a topic select, best first: sales, then a general enquiry,
# then "other". A required select offering none of them is left to a person.
CHOICE_WORDS: tuple[re.Pattern[str], ...] = (
    _words(r"\bsales\b", r"\bvertrieb\b", r"\bverkauf\b", r"\bventes?\b", r"\bventas\b", r"\bvendite\b",
           r"\bverkoop\b", r"\bvendas\b", r"\bcommercial\b", r"\bbusiness\b", r"\bpartnership\b",
           r"\bkooperation\b", r"\bpartenariat\b", r"\bnew customer\b", r"\bneukunde\b"),
    _words(r"\bgeneral\b", r"\ballgemein", r"\bgenerale?\b", r"\balgemeen\b", r"\bgeral\b", r"\binquiry\b",
           r"\benquiry\b", r"\bgeneral question\b", r"\binformation\b", r"\binformacion\b", r"\bcontact\b",
           r"\bkontakt\b", r"\banfrage\b", r"\bdemande\b"),
    _words(r"\bother\b", r"\bsonstig", r"\bandere[sr]?\b", r"\bautres?\b", r"\botros?\b", r"\baltro\b",
           r"\boverig", r"\boutros?\b", r"\bmisc", r"\bdivers\b"),
)
# What a select asks when it asks what the message is about.
TOPIC_WORDS = _words(
    r"\bsubject\b", r"\btopic\b", r"\bbetreff\b", r"\banliegen\b", r"\bthema\b", r"\breason\b", r"\bgrund\b",
    r"\bdepartment\b", r"\babteilung\b", r"\bcategory\b", r"\bkategorie\b", r"\b[ei]nquiry\b", r"\banfrage",
    r"\bregarding\b", r"\bconcern", r"\bobjet\b", r"\bsujet\b", r"\bmotif\b", r"\basunto\b", r"\bmotivo\b",
    r"\boggetto\b", r"\bonderwerp\b", r"\bassunto\b", r"\bhow can we help\b", r"\bwie konnen wir\b", r"\btype\b")
# An option that only asks to choose: "Bitte wählen", "-- Please select --", "Choose…", "Select one".
PLACEHOLDER_WORDS = _words(
    r"^(please )?(select|choose|pick)\b", r"^bitte\b", r"^(bitte )?(wahlen|auswahlen)\b", r"^auswahl\b",
    r"^(veuillez )?(choisir|selectionner)\b", r"^(por favor )?(selecciona|seleccione|elige|elija)r?\b",
    r"^(seleziona|scegli)\b", r"^(kies|selecteer)\b", r"^(selecione|escolha)\b", r"^none selected\b")

HONEYPOT_LABEL_WORDS = _words(
    r"leave (this )?(field )?(empty|blank)", r"\bkeep (this )?(field )?(empty|blank)\b", r"do not fill",
    r"don t fill", r"nicht ausfullen", r"leer lassen", r"laisser vide", r"ne pas remplir", r"dejar en blanco",
    r"no rellenar", r"lasciare vuoto", r"non compilare", r"leeg laten", r"niet invullen", r"if you are (a )?human",
    r"deixe em branco", r"nao preencha", r"\bbots? only\b")
HONEYPOT_NAMES = _words(
    r"^hp$", r"^hp ", r" hp$", r"\bhoneypot\b", r"\bhpot\b", r"^website url$", r"^fax$", r"\bleave blank\b",
    r"^gotcha$", r"^bot field$", r"^b [0-9a-f]{10,} [0-9a-f]{6,}$", r"\bhoney\b", r"\bnot ?robot\b",
    r"^confirm email address$", r"^url check$", r"^your website url$", r"\btrap\b", r"^contact me by fax only$")

REQUIRED_WORDS = _words(r"\brequired\b", r"\bpflichtfeld", r"\berforderlich\b", r"\bobligatoire\b",
                        r"\bobligatorio\b", r"\bobbligatorio\b", r"\bverplicht\b", r"\bobrigatorio\b")

SUCCESS_WORDS = _words(
    r"\bthank(s| you)\b", r"\bmessage (has been|was) (successfully )?(sent|received|submitted|delivered)\b",
    r"\bsuccessfully (sent|submitted|received)\b", r"\bwe (will|ll) (get back|be in touch|contact you)\b",
    r"\b(we have|we ve) received your\b", r"\bdanke\b", r"\bvielen dank\b",
    r"\bnachricht (wurde|ist) (erfolgreich )?(gesendet|versendet|verschickt|ubermittelt|eingegangen)",
    r"\berfolgreich (gesendet|versendet|verschickt|ubermittelt)\b", r"\bmerci\b",
    r"\bmessage a (bien )?ete (envoye|transmis|recu)", r"\bgracias\b", r"\bmensaje (ha sido |fue )?enviado\b",
    r"\bgrazie\b", r"\bmessaggio (e stato )?inviato\b", r"\bbedankt\b", r"\bdank (je|u) wel\b",
    r"\bbericht is verzonden\b", r"\bobrigad[oa]\b", r"\bmensagem (foi )?enviada\b")
ERROR_WORDS = _words(
    r"\bis required\b", r"\brequired field", r"\bthis field is\b", r"\bplease (enter|fill|provide|complete)\b",
    r"\binvalid\b", r"\bnot valid\b", r"\berror\b", r"\bfehler", r"\bungultig", r"\bbitte (geben|fullen)\b",
    r"\bpflichtfeld", r"\berforderlich\b", r"\bobligatoire\b", r"\binvalide\b", r"\berreur\b",
    r"\bobligatorio\b", r"\bno (es )?valido\b", r"\berror\b", r"\bobbligatorio\b", r"\bnon valido\b",
    r"\berrore\b", r"\bverplicht\b", r"\bongeldig\b", r"\bfout\b", r"\binvalido\b", r"\bobrigatorio\b",
    r"\bcould not be sent\b", r"\bfailed to send\b")
