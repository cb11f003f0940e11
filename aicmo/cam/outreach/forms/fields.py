"""Read a form's controls and decide what each one asks for, from its type, name, id, labels and placeholder."""

from selectolax.lexbor import LexborHTMLParser, LexborNode

from aicmo.cam.outreach.forms.honeypot import is_honeypot
from aicmo.cam.outreach.forms.model import FormField, Option, Role
from aicmo.cam.outreach.forms.vocab import CONSENT_WORDS, FIELD_WORDS, OPT_IN_WORDS, REQUIRED_WORDS, SEARCH_WORDS, plain

_AUTOCOMPLETE = {"name": Role.FULL_NAME, "given-name": Role.FIRST_NAME, "family-name": Role.LAST_NAME,
                 "email": Role.EMAIL, "organization": Role.COMPANY, "tel": Role.PHONE, "tel-national": Role.PHONE,
                 "url": Role.WEBSITE}
_BY_TYPE = {"email": Role.EMAIL, "tel": Role.PHONE, "url": Role.WEBSITE, "search": Role.SEARCH,
            "password": Role.PASSWORD, "hidden": Role.HIDDEN, "submit": Role.SUBMIT, "image": Role.SUBMIT,
            "button": Role.IGNORED, "reset": Role.IGNORED, "file": Role.IGNORED}
_SEARCH_NAMES = frozenset({"q", "s", "query", "search", "keywords", "searchterm", "search_query", "k"})


def _text(node: LexborNode) -> str:
    return " ".join(node.text(separator=" ").split())


def labels_by_id(tree: LexborHTMLParser) -> dict[str, str]:
    """The text of every <label for=…>, by the id it names."""
    found: dict[str, str] = {}
    for label in tree.css("label[for]"):
        target = label.attributes.get("for") or ""
        found[target] = (found.get(target, "") + " " + _text(label)).strip()
    return found


def label_of(node: LexborNode, by_id: dict[str, str], tree: LexborHTMLParser) -> str:
    """The label people read for this control: <label for>, a wrapping <label>, or aria-labelledby."""
    attrs = node.attributes
    parts = [by_id.get(attrs.get("id") or "", "")]
    parent = node.parent
    while parent is not None and parent.tag not in ("form", "body"):
        if parent.tag == "label":
            text = _text(parent)
            if node.tag in ("select", "textarea"):  # a wrapped select's options are not its label
                text = " ".join(text.replace(_text(node), " ").split())
            parts.append(text)
            break
        parent = parent.parent
    for ref in (attrs.get("aria-labelledby") or "").split():
        if not ref.replace("-", "").replace("_", "").replace(":", "").replace(".", "").isalnum():
            continue
        labelled = tree.css_first(f'[id="{ref}"]')
        if labelled is not None:
            parts.append(_text(labelled))
    return " ".join(p for p in parts if p).strip()


def is_required(node: LexborNode, label: str) -> bool:
    attrs = node.attributes
    classes = (attrs.get("class") or "").lower()
    return ("required" in attrs or (attrs.get("aria-required") or "").lower() == "true"
            or "required" in classes.split() or "validates-as-required" in classes
            or "*" in label or bool(REQUIRED_WORDS.search(plain(label))))


def role_from_words(*hints: str) -> Role | None:
    """The role named by the first hint that names one (hints in order of trust: label first)."""
    for hint in hints:
        words = plain(hint)
        if not words:
            continue
        for role, pattern in FIELD_WORDS:
            if pattern.search(words):
                return role
    return None


def _hints(node: LexborNode, label: str) -> tuple[str, ...]:
    attrs = node.attributes
    return (label, attrs.get("aria-label") or "", attrs.get("placeholder") or "", attrs.get("title") or "",
            attrs.get("name") or "", attrs.get("id") or "")


def _checkbox_role(node: LexborNode, label: str) -> Role:
    attrs = node.attributes
    words = plain(" ".join((label, attrs.get("name") or "", attrs.get("id") or "", attrs.get("value") or "")))
    if OPT_IN_WORDS.search(words):
        return Role.OPT_IN
    return Role.CONSENT if CONSENT_WORDS.search(words) else Role.OTHER


def _typed_role(node: LexborNode, kind: str, label: str) -> Role:
    attrs = node.attributes
    auto = (attrs.get("autocomplete") or "").lower().split()
    if auto and auto[-1] in _AUTOCOMPLETE:
        return _AUTOCOMPLETE[auto[-1]]
    if kind in _BY_TYPE:
        return _BY_TYPE[kind]
    if kind == "checkbox":
        return _checkbox_role(node, label)
    if kind in ("radio", "select"):
        return Role.CHOICE
    if (attrs.get("name") or "").lower() in _SEARCH_NAMES or "search" in (attrs.get("role") or ""):
        return Role.SEARCH
    found = role_from_words(*_hints(node, label))
    if kind == "textarea" and found not in (Role.SUBJECT, Role.COMPANY, Role.EMAIL, Role.PHONE, Role.WEBSITE):
        return Role.MESSAGE
    if found is None and SEARCH_WORDS.search(plain(" ".join(_hints(node, label)))):
        return Role.SEARCH
    return found or Role.OTHER


def classify(node: LexborNode, label: str, hidden_css: frozenset[str] = frozenset()) -> Role:
    """What one control asks for."""
    attrs = node.attributes
    kind = control_kind(node)
    if "disabled" in attrs or not attrs.get("name"):
        return Role.SUBMIT if kind == "submit" and "disabled" not in attrs else Role.IGNORED
    if kind != "hidden" and is_honeypot(node, label, hidden_css):
        return Role.HONEYPOT
    return _typed_role(node, kind, label)


def control_kind(node: LexborNode) -> str:
    if node.tag in ("textarea", "select"):
        return node.tag
    if node.tag == "button":
        return (node.attributes.get("type") or "submit").lower()
    return (node.attributes.get("type") or "text").lower()


def _options(node: LexborNode) -> tuple[Option, ...]:
    found = []
    for option in node.css("option"):
        attrs = option.attributes
        text = _text(option)
        value = attrs["value"] if attrs.get("value") is not None else text
        found.append(Option(value=value or "", label=text, selected="selected" in attrs, disabled="disabled" in attrs))
    return tuple(found)


def _field(node: LexborNode, label: str, hidden_css: frozenset[str]) -> FormField:
    attrs = node.attributes
    kind = control_kind(node)
    value = _text(node) if kind == "textarea" else attrs.get("value") or ""
    if kind in ("checkbox", "radio") and attrs.get("value") is None:
        value = "on"
    if kind == "button" or (node.tag == "button" and kind == "submit"):
        value = attrs.get("value") or ""
    return FormField(name=attrs.get("name") or "", kind=kind, role=classify(node, label, hidden_css),
                     label=label.replace("*", "").strip(), value=value, required=is_required(node, label),
                     checked="checked" in attrs, options=_options(node) if kind == "select" else ())


def _radio_group(group: list[FormField]) -> FormField:
    first = group[0]
    options = tuple(Option(value=f.value, label=f.label, selected=f.checked) for f in group)
    return FormField(name=first.name, kind="radio", role=first.role if first.role is Role.HONEYPOT else Role.CHOICE,
                     label=first.label, required=any(f.required for f in group), options=options)


def resolve_names(fields: list[FormField]) -> list[FormField]:
    """Make "Name" the part the form does not ask for elsewhere: last beside "Vorname", first beside "Cognome"."""
    roles = {f.role for f in fields}
    if Role.FIRST_NAME in roles and Role.LAST_NAME not in roles:
        generic = Role.LAST_NAME
    elif Role.LAST_NAME in roles and Role.FIRST_NAME not in roles:
        generic = Role.FIRST_NAME
    else:
        generic = Role.FULL_NAME
    return [FormField(**{**f.__dict__, "role": generic}) if f.role is Role.NAME else f for f in fields]


def read_fields(form: LexborNode, tree: LexborHTMLParser, hidden_css: frozenset[str] = frozenset(),
                by_id: dict[str, str] | None = None) -> tuple[FormField, ...]:
    """Every control of the form in page order, radio buttons grouped by name."""
    by_id = labels_by_id(tree) if by_id is None else by_id
    fields: list[FormField] = []
    radios: dict[str, list[FormField]] = {}
    for node in form.css("input, textarea, select, button"):
        field = _field(node, label_of(node, by_id, tree), hidden_css)
        if field.kind == "radio" and field.role is not Role.IGNORED:
            if field.name not in radios:
                radios[field.name] = []
                fields.append(field)
            radios[field.name].append(field)
        else:
            fields.append(field)
    grouped = [_radio_group(radios[f.name]) if f.kind == "radio" and f.name in radios else f for f in fields]
    return tuple(resolve_names(grouped))
