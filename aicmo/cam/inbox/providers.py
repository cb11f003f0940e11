"""Sending providers' webhook events (Amazon SES via SNS, SendGrid, Postmark) read as InboundEvents, and the shared
secret check that guards the webhook route. Pure functions: no database, no network."""

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from aicmo.cam.inbox.events import InboundEvent, InboundKind

_Obj = dict[str, Any]

_STATUS_CODE = re.compile(r"(?<![\d.])([245]\.\d{1,3}\.\d{1,3})(?![\d.])")
# Only an SNS endpoint may be offered to the operator as a link to follow.
_SNS_HOST = re.compile(r"sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?")
# SendGrid drops mail to addresses it already knows to be dead ("Bounced Address") or malformed ("Invalid");
# its other drop reasons (unsubscribed, spam reporter, bad SMTPAPI header) say nothing new about the address.
_SENDGRID_DEAD = re.compile(r"bounced address|^invalid(?! smtpapi)", re.IGNORECASE)
_SENDGRID_KINDS = {"bounce": InboundKind.BOUNCE, "dropped": InboundKind.BOUNCE, "spamreport": InboundKind.COMPLAINT,
                   "delivered": InboundKind.DELIVERED, "unsubscribe": InboundKind.UNSUBSCRIBE,
                   "group_unsubscribe": InboundKind.UNSUBSCRIBE}
# Postmark's bounce types: https://postmarkapp.com/developer/api/bounce-api#bounce-types. Those left out
# (Subscribe, AutoResponder, AddressChange, OpenRelayTest, ChallengeVerification, Unconfirmed, InboundError,
# TemplateRenderingFailed) are not delivery failures.
_POSTMARK_HARD = frozenset({"HardBounce", "BadEmailAddress", "ManuallyDeactivated"})
_POSTMARK_SOFT = frozenset({"Transient", "SoftBounce", "DnsError", "SpamNotification", "Unknown", "VirusNotification",
                            "Blocked", "SMTPApiError", "DMARCPolicy"})
# Record type -> (address field, time field).
_POSTMARK_FIELDS = {"Bounce": ("Email", "BouncedAt"), "SpamComplaint": ("Email", "BouncedAt"),
                    "Delivery": ("Recipient", "DeliveredAt"), "SubscriptionChange": ("Recipient", "ChangedAt")}
# SES event type -> (kind, section, recipient list); Undetermined bounces count as soft, as SES advises.
_SES_TYPES = {"Bounce": (InboundKind.BOUNCE, "bounce", "bouncedRecipients"),
              "Complaint": (InboundKind.COMPLAINT, "complaint", "complainedRecipients"),
              "Delivery": (InboundKind.DELIVERED, "delivery", "recipients")}


class WebhookError(ValueError):
    """A webhook body that cannot be read; the message names the provider and what is wrong."""


def parse_events(provider: str, body: bytes) -> list[InboundEvent]:
    """The events in one webhook request body; those we do not act on (opens, clicks…) are left out."""
    parser = _PARSERS.get(provider.lower())
    if parser is None:
        raise WebhookError(f"unknown provider {provider!r}; expected one of {', '.join(sorted(_PARSERS))}")
    return parser(_json(body, f"{provider}: body"))


def subscription_confirm_url(body: bytes) -> str | None:
    """The SubscribeURL of an SNS SubscriptionConfirmation, for the operator to open; None for anything else."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or data.get("Type") != "SubscriptionConfirmation":
        return None
    url = data.get("SubscribeURL")
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not _SNS_HOST.fullmatch(parts.hostname or ""):
        return None
    return url


def verify_request(secret: str | None, body: bytes, headers: Mapping[str, str]) -> bool:
    """Whether the request proves it knows the secret: a body HMAC, a bearer token, or a Basic auth password."""
    if not secret:
        return False
    key = secret.encode()
    lowered = {name.lower(): value for name, value in headers.items()}
    algorithm, _, signature = lowered.get("x-aicmo-signature", "").strip().partition("=")
    if algorithm.lower() == "sha256":
        expected = hmac.new(key, body, hashlib.sha256).hexdigest().encode()
        if hmac.compare_digest(signature.strip().lower().encode(), expected):
            return True
    scheme, _, credentials = lowered.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        return hmac.compare_digest(credentials.strip().encode(), key)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True)
        except ValueError:  # binascii.Error, or non-ASCII text
            return False
        return hmac.compare_digest(decoded.partition(b":")[2], key)
    return False


def _ses(data: Any) -> list[InboundEvent]:
    root = _object(data, "ses: body")
    kind = root.get("Type")
    if kind in ("SubscriptionConfirmation", "UnsubscribeConfirmation"):
        return []
    if kind == "Notification":
        text = _text(root, "Message", "ses: SNS notification")
        if not text.lstrip().startswith("{"):
            return []  # a plain-text notice, such as the test message SES sends when a topic is set up
        message = _object(_json(text.encode(), "ses: SNS 'Message'"), "ses: SNS 'Message'")
        return _ses_events(message, _text(root, "MessageId", "ses: SNS notification"))
    if kind is not None:
        raise WebhookError(f"ses: unknown SNS message type {kind!r}")
    if root.get("source") == "aws.ses" and "detail" in root:  # EventBridge wraps the SES event
        return _ses_events(_object(root["detail"], "ses: EventBridge 'detail'"), _optional(root, "id"))
    return _ses_events(root, None)


def _ses_events(message: _Obj, envelope_id: str | None) -> list[InboundEvent]:
    event_type = message.get("eventType") or message.get("notificationType")
    if not isinstance(event_type, str):
        raise WebhookError("ses: message has no 'eventType' or 'notificationType'")
    if event_type not in _SES_TYPES:
        return []
    kind, section_name, list_name = _SES_TYPES[event_type]
    where = f"ses: '{section_name}'"
    section = _object(message.get(section_name), where) if section_name in message else {}
    if not section:
        raise WebhookError(f"ses: {event_type} message has no '{section_name}'")
    recipients = section.get(list_name)
    if not isinstance(recipients, list) or not recipients:
        raise WebhookError(f"{where} has no '{list_name}'")
    mail = _object(message.get("mail") or {}, "ses: 'mail'")
    occurred_at = _time(section.get("timestamp") or mail.get("timestamp"), f"{where} 'timestamp'")
    base_id = envelope_id or _optional(section, "feedbackId") or _optional(mail, "messageId")
    bounce_type = _optional(section, "bounceType")
    detail = f"SES {event_type}" + (f" ({bounce_type}/{section.get('bounceSubType')})" if bounce_type else "")
    events = []
    for index, raw in enumerate(recipients):
        recipient = {"emailAddress": raw} if isinstance(raw, str) else _object(raw, f"{where} recipient {index}")
        diagnostic = (_optional(recipient, "diagnosticCode") or _optional(section, "smtpResponse")
                      or _optional(section, "complaintFeedbackType"))
        events.append(InboundEvent(
            kind=kind, address=_address(recipient, "emailAddress", f"{where} recipient {index}"),
            hard=bounce_type == "Permanent" if kind is InboundKind.BOUNCE else None,
            status_code=_status_code(_optional(recipient, "status"), diagnostic), diagnostic=diagnostic,
            references=_ses_references(mail), provider_event_id=f"{base_id}:{index}" if base_id else None,
            occurred_at=occurred_at, detail=detail))
    return events


def _ses_references(mail: _Obj) -> tuple[str, ...]:
    common = mail.get("commonHeaders")
    first = common.get("messageId") if isinstance(common, dict) else None
    return _references(first, *_message_ids(mail.get("headers"), "name", "value"))


def _message_ids(headers: Any, name_key: str, value_key: str) -> list[Any]:
    """Message-ID values in a provider's list of {name, value} headers."""
    if not isinstance(headers, list):
        return []
    return [h.get(value_key) for h in headers if isinstance(h, dict) and str(h.get(name_key)).lower() == "message-id"]


def _sendgrid(data: Any) -> list[InboundEvent]:
    if not isinstance(data, list):
        raise WebhookError("sendgrid: body is not a JSON array of events")
    events = []
    for index, raw in enumerate(data):
        where = f"sendgrid: event {index}"
        item = _object(raw, where)
        name = _text(item, "event", where)
        kind = _SENDGRID_KINDS.get(name)
        if kind is None:
            continue
        reason = _optional(item, "reason")
        hard: bool | None = None
        if name == "bounce":
            hard = item.get("type") != "blocked"
        elif name == "dropped":
            if not reason or not _SENDGRID_DEAD.search(reason):
                continue
            hard = True
        diagnostic = reason or _optional(item, "response")
        events.append(InboundEvent(
            kind=kind, address=_address(item, "email", where), hard=hard,
            status_code=_status_code(_optional(item, "status"), diagnostic), diagnostic=diagnostic,
            references=_references(item.get("smtp-id"), item.get("aicmo_message_id")),
            provider_event_id=_optional(item, "sg_event_id"), occurred_at=_time(item.get("timestamp"),
                                                                                  f"{where} 'timestamp'"),
            detail=f"SendGrid {name}" + (f" ({item['type']})" if isinstance(item.get("type"), str) else "")))
    return events


def _postmark(data: Any) -> list[InboundEvent]:
    where = "postmark: record"
    item = _object(data, where)
    record = _text(item, "RecordType", where)
    kind, hard = _postmark_kind(record, item)
    if kind is None:
        return []
    address_field, time_field = _POSTMARK_FIELDS[record]
    address = _address(item, address_field, where)
    raw_time = item.get(time_field)
    diagnostic = _optional(item, "Details") or _optional(item, "Description") or _optional(item, "SuppressionReason")
    event_id = (f"{record}:{item['ID']}" if item.get("ID") is not None
                else f"{record}:{item.get('MessageID')}:{address}:{raw_time}")
    metadata = item.get("Metadata")
    return [InboundEvent(
        kind=kind, address=address, hard=hard, status_code=_status_code(diagnostic), diagnostic=diagnostic,
        references=_references(metadata.get("aicmo_message_id") if isinstance(metadata, dict) else None,
                               *_message_ids(item.get("Headers"), "Name", "Value"), item.get("MessageID")),
        provider_event_id=event_id, occurred_at=_time(raw_time, f"{where} '{time_field}'"),
        detail=f"Postmark {record}" + (f" ({item['Type']})" if item.get("Type") not in (None, record) else ""))]


def _postmark_kind(record: str, item: _Obj) -> tuple[InboundKind | None, bool | None]:
    if record == "Bounce":
        bounce_type = _text(item, "Type", "postmark: record")
        if bounce_type == "Unsubscribe":
            return InboundKind.UNSUBSCRIBE, None
        if bounce_type == "SpamComplaint":
            return InboundKind.COMPLAINT, None
        if bounce_type in _POSTMARK_HARD or bounce_type in _POSTMARK_SOFT:
            return InboundKind.BOUNCE, bounce_type in _POSTMARK_HARD
        return None, None
    if record == "SpamComplaint":
        return InboundKind.COMPLAINT, None
    if record == "Delivery":
        return InboundKind.DELIVERED, None
    # A suppression Postmark adds for a hard bounce or complaint arrives as its own Bounce or SpamComplaint record,
    # with the details; only a recipient's own request (ManualSuppression) is an unsubscribe.
    if (record == "SubscriptionChange" and item.get("SuppressSending") is True
            and item.get("SuppressionReason") not in ("HardBounce", "SpamComplaint")):
        return InboundKind.UNSUBSCRIBE, None
    return None, None


_PARSERS: dict[str, Callable[[Any], list[InboundEvent]]] = {"ses": _ses, "sendgrid": _sendgrid, "postmark": _postmark}


def _json(body: bytes, where: str) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebhookError(f"{where} is not valid JSON: {exc}") from exc


def _object(value: Any, where: str) -> _Obj:
    if not isinstance(value, dict):
        raise WebhookError(f"{where} is not a JSON object")
    return value


def _text(item: _Obj, key: str, where: str) -> str:
    value = item.get(key)
    if value is None or value == "":
        raise WebhookError(f"{where} has no '{key}'")
    if not isinstance(value, str):
        raise WebhookError(f"{where}: '{key}' is not a string")
    return value


def _optional(item: _Obj, key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) and value else None


def _address(item: _Obj, key: str, where: str) -> str:
    return _text(item, key, where).strip().lower()


def _time(value: Any, where: str) -> datetime:
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError) as exc:
        raise WebhookError(f"{where} is not a timestamp: {value!r}") from exc
    raise WebhookError(f"{where} is missing" if value is None else f"{where} is not a timestamp: {value!r}")


def _status_code(*texts: str | None) -> str | None:
    for text in texts:
        match = _STATUS_CODE.search(text or "")
        if match:
            return match.group(1)
    return None


def _references(*ids: Any) -> tuple[str, ...]:
    cleaned = (value.strip().strip("<>").strip() for value in ids if isinstance(value, str))
    return tuple(dict.fromkeys(value for value in cleaned if value))
