"""Provider webhook payloads read as InboundEvents, and the shared-secret check on the webhook route."""

import base64
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aicmo.cam.inbox.events import InboundKind
from aicmo.cam.inbox.providers import WebhookError, parse_events, subscription_confirm_url, verify_request

FIXTURES = Path(__file__).parent / "fixtures_providers"
OURS = "7d1e0b5c-3a0c-4c55-9f3e-2b8f1e6a4c21"
OURS_ID = f"{OURS}@acme-sales.example"
OTHER_ID = "0b6a51f2-9e4d-4f8e-a1f7-5c3d2e1b0a99@acme-sales.example"
BOUNCE, COMPLAINT = InboundKind.BOUNCE, InboundKind.COMPLAINT
DELIVERED, UNSUBSCRIBE = InboundKind.DELIVERED, InboundKind.UNSUBSCRIBE
SENDGRID_AT = datetime(2024, 5, 14, 9, 12, 2, tzinfo=UTC)
POSTMARK_ID = "883953f4-6105-42a2-a16a-77a8eac79483"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def altered(name: str, change: Any) -> bytes:
    """The fixture's JSON after `change` has edited it in place."""
    data = json.loads(fixture(name))
    change(data)
    return json.dumps(data).encode()


def altered_sns(name: str, change: Any) -> bytes:
    """An SNS fixture whose inner SES message `change` has edited in place."""
    def edit(envelope: dict[str, Any]) -> None:
        message = json.loads(envelope["Message"])
        change(message)
        envelope["Message"] = json.dumps(message)
    return altered(name, edit)


# (kind, address, hard, status_code, references, provider_event_id, occurred_at) of each event, in order.
EXPECTED = [
    ("ses", "ses_bounce_permanent.json", [
        (BOUNCE, "jane.doe@example.com", True, "5.1.1", (OURS_ID,), "5d7c9e2a-1b3f-5a6d-8e9f-0a1b2c3d4e5f:0",
         at("2024-05-14T09:12:04.511")),
        (BOUNCE, "ops@example.org", True, "5.0.0", (OURS_ID,), "5d7c9e2a-1b3f-5a6d-8e9f-0a1b2c3d4e5f:1",
         at("2024-05-14T09:12:04.511"))]),
    ("ses", "ses_bounce_transient.json", [
        (BOUNCE, "sam@example.net", False, "4.2.2", (OTHER_ID,),
         "0100018f76bb0c1d-2e3f4a5b-6c7d-8e9f-a0b1-c2d3e4f5a6b7-000000:0", at("2024-05-14T11:40:19.087"))]),
    ("ses", "ses_complaint.json", [
        (COMPLAINT, "richard@example.com", None, None, (OURS_ID,), "a1b2c3d4-e5f6-5789-9abc-def012345678:0",
         at("2024-05-15T07:58:03"))]),
    ("ses", "ses_delivery.json", [
        (DELIVERED, "alex@example.com", None, "2.6.0", (OURS_ID,), "f0e1d2c3-b4a5-5967-8877-665544332211:0",
         at("2024-05-14T09:12:02.926"))]),
    ("ses", "ses_delivery_eventbridge.json", [
        (DELIVERED, "alex@example.com", None, "2.0.0", (OURS_ID,), "c4e8f0a2-6b1d-3e5f-9a7c-2d4b6f8e0a1c:0",
         at("2024-05-14T09:12:02.926"))]),
    ("ses", "ses_subscription_confirmation.json", []),
    # processed, dropped for an unsubscribed address, open, click and deferred are left out.
    ("sendgrid", "sendgrid_events.json", [
        (BOUNCE, "jane.doe@example.com", True, "5.1.1", (OURS_ID, OURS), "6g4ZI7SA-xmRDv57GoPIPw==", SENDGRID_AT),
        (BOUNCE, "sam@example.net", False, "4.7.1", (OURS_ID,), "b3QxaVc1dmVxT1dhR29UUg==", SENDGRID_AT),
        (BOUNCE, "gone@example.org", True, None, ("14c5d75ce93.dfd.64b469@ismtpd-555",), "Ym91bmNlZC1hZGRyZXNz",
         SENDGRID_AT),
        (BOUNCE, "not an email address", True, None, ("4FB29F5D.5080404@sendgrid.com",), "aW52YWxpZC1hZGRyZXNz",
         SENDGRID_AT),
        (COMPLAINT, "richard@example.com", None, None, (OURS_ID,), "37nvH5QBz858KGVYCM4uOA==", SENDGRID_AT),
        (DELIVERED, "alex@example.com", None, None, (OURS_ID,), "rWVYmVk90MjZJ9iohOBa3w==", SENDGRID_AT),
        (UNSUBSCRIBE, "morgan@example.com", None, None, (OURS_ID, OTHER_ID.split("@")[0]), "zmzJhfJgAfUSOW80yEbPyw==",
         SENDGRID_AT),
        (UNSUBSCRIBE, "casey@example.com", None, None, (OURS_ID,), "ahSCB7xYcXFb-hEaawsPRw==", SENDGRID_AT)]),
    ("postmark", "postmark_hard_bounce.json", [
        (BOUNCE, "jane.doe@example.com", True, "5.1.1", (OURS, POSTMARK_ID), "Bounce:4323372036854775807",
         at("2024-05-14T09:12:04.907025"))]),
    ("postmark", "postmark_soft_bounce.json", [
        (BOUNCE, "sam@example.net", False, "4.2.2", (OTHER_ID, "3c2a5a51-0d8f-4d7c-9f1e-2b6a8c4e1d07"),
         "Bounce:4323372036854775808", at("2024-05-14T11:40:19.273539"))]),
    ("postmark", "postmark_spam_complaint.json", [
        (COMPLAINT, "richard@example.com", None, None, (OURS, "00000000-0000-0000-0000-000000000000"),
         "SpamComplaint:42", at("2024-05-15T07:58:03.416071"))]),
    ("postmark", "postmark_delivery.json", [
        (DELIVERED, "alex@example.com", None, "2.0.0", (OURS, POSTMARK_ID),
         f"Delivery:{POSTMARK_ID}:alex@example.com:2024-05-14T09:12:02.9070259Z", at("2024-05-14T09:12:02.907025"))]),
    ("postmark", "postmark_subscription_change.json", [
        (UNSUBSCRIBE, "morgan@example.com", None, None, (OURS, POSTMARK_ID),
         f"SubscriptionChange:{POSTMARK_ID}:morgan@example.com:2024-05-16T10:53:34.416071Z",
         at("2024-05-16T10:53:34.416071"))]),
]


@pytest.mark.parametrize(("provider", "name", "expected"), EXPECTED, ids=[name for _, name, _ in EXPECTED])
def test_each_provider_payload_reads_as_the_events_it_reports(provider: str, name: str, expected: list[Any]) -> None:
    events = parse_events(provider, fixture(name))
    assert [(e.kind, e.address, e.hard, e.status_code, e.references, e.provider_event_id, e.occurred_at)
            for e in events] == expected
    assert all(e.occurred_at is not None and e.occurred_at.utcoffset() == timedelta(0) for e in events)


def test_a_bounce_keeps_the_receiving_servers_words() -> None:
    (event,) = parse_events("ses", fixture("ses_bounce_transient.json"))
    assert event.diagnostic == "smtp; 452 4.2.2 The email account that you tried to reach is over quota"


def test_a_subscription_confirmation_is_no_event_but_offers_its_url_to_the_operator() -> None:
    body = fixture("ses_subscription_confirmation.json")
    assert parse_events("ses", body) == []
    url = subscription_confirm_url(body)
    assert url is not None
    assert url.startswith("https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=")


@pytest.mark.parametrize("url", ["http://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription",
                                 "https://sns.us-east-1.amazonaws.com.evil.example/?Action=ConfirmSubscription",
                                 "https://evil.example/?sns.us-east-1.amazonaws.com"])
def test_a_confirmation_url_that_is_not_an_sns_endpoint_is_not_offered(url: str) -> None:
    body = altered("ses_subscription_confirmation.json", lambda data: data.update(SubscribeURL=url))
    assert subscription_confirm_url(body) is None


@pytest.mark.parametrize("body", [fixture("ses_bounce_permanent.json"), b"not json", b"[]"])
def test_only_a_subscription_confirmation_has_a_confirmation_url(body: bytes) -> None:
    assert subscription_confirm_url(body) is None


SES_TEST_NOTICE = "Successfully validated SNS topic for Amazon SES event publishing."
SKIPPED = [
    ("ses", altered_sns("ses_bounce_permanent.json", lambda m: m.update(notificationType="Open"))),
    ("ses", altered("ses_bounce_permanent.json", lambda data: data.update(Message=SES_TEST_NOTICE))),
    ("postmark", altered("postmark_hard_bounce.json", lambda data: data.update(Type="AutoResponder"))),
    ("postmark", altered("postmark_delivery.json", lambda data: data.update(RecordType="Open"))),
    ("postmark", altered("postmark_subscription_change.json", lambda data: data.update(SuppressSending=False))),
    ("postmark", altered("postmark_subscription_change.json",
                         lambda data: data.update(SuppressionReason="HardBounce"))),
    ("sendgrid", b"[]"),
]


@pytest.mark.parametrize(("provider", "body"), SKIPPED,
                         ids=["ses-open", "sns-text-notice", "postmark-autoresponder", "postmark-open",
                              "postmark-reactivation", "postmark-bounce-suppression", "sendgrid-empty"])
def test_events_we_do_not_act_on_are_left_out(provider: str, body: bytes) -> None:
    assert parse_events(provider, body) == []


@pytest.mark.parametrize(("bounce_type", "hard"), [("Permanent", True), ("Transient", False), ("Undetermined", False)])
def test_only_a_permanent_ses_bounce_is_hard(bounce_type: str, hard: bool) -> None:
    body = altered("ses_bounce_transient.json", lambda m: m["bounce"].update(bounceType=bounce_type))
    assert [e.hard for e in parse_events("ses", body)] == [hard]


@pytest.mark.parametrize(("bounce_type", "kind", "hard"), [
    ("BadEmailAddress", BOUNCE, True), ("ManuallyDeactivated", BOUNCE, True), ("DnsError", BOUNCE, False),
    ("Transient", BOUNCE, False), ("SpamComplaint", COMPLAINT, None), ("Unsubscribe", UNSUBSCRIBE, None)])
def test_a_postmark_bounce_type_decides_what_the_event_is(bounce_type: str, kind: InboundKind,
                                                          hard: bool | None) -> None:
    body = altered("postmark_hard_bounce.json", lambda data: data.update(Type=bounce_type))
    assert [(e.kind, e.hard) for e in parse_events("postmark", body)] == [(kind, hard)]


def _drop(key: str, index: int | None = None) -> Any:
    return lambda data: (data if index is None else data[index]).pop(key)


MALFORMED = [
    ("mailgun", b"[]", "unknown provider 'mailgun'"),
    ("sendgrid", b"[{\"event\": ", "sendgrid: body is not valid JSON"),
    ("sendgrid", b"\xff\xfe\x00garbage", "sendgrid: body is not valid JSON"),
    ("sendgrid", fixture("postmark_delivery.json"), "sendgrid: body is not a JSON array of events"),
    ("sendgrid", altered("sendgrid_events.json", _drop("email", 3)), "sendgrid: event 3 has no 'email'"),
    ("sendgrid", altered("sendgrid_events.json", _drop("event", 0)), "sendgrid: event 0 has no 'event'"),
    ("sendgrid", b"[17]", "sendgrid: event 0 is not a JSON object"),
    ("sendgrid", altered("sendgrid_events.json", lambda data: data[1].update(timestamp="yesterday")),
     "sendgrid: event 1 'timestamp' is not a timestamp: 'yesterday'"),
    ("ses", b"[]", "ses: body is not a JSON object"),
    ("ses", altered("ses_complaint.json", lambda data: data.update(Message="{\"notificationType\": ")),
     "ses: SNS 'Message' is not valid JSON"),
    ("ses", altered("ses_complaint.json", _drop("MessageId")), "ses: SNS notification has no 'MessageId'"),
    ("ses", altered("ses_complaint.json", lambda data: data.update(Type="Surprise")),
     "ses: unknown SNS message type 'Surprise'"),
    ("ses", altered_sns("ses_complaint.json", _drop("notificationType")),
     "ses: message has no 'eventType' or 'notificationType'"),
    ("ses", altered_sns("ses_bounce_permanent.json", _drop("bounce")), "ses: Bounce message has no 'bounce'"),
    ("ses", altered_sns("ses_bounce_permanent.json", lambda m: m["bounce"].update(bouncedRecipients=[])),
     "ses: 'bounce' has no 'bouncedRecipients'"),
    ("ses", altered_sns("ses_bounce_permanent.json", lambda m: m["bounce"]["bouncedRecipients"][1].pop("emailAddress")),
     "ses: 'bounce' recipient 1 has no 'emailAddress'"),
    ("ses", altered("ses_bounce_transient.json", lambda m: [m["bounce"].pop("timestamp"), m["mail"].pop("timestamp")]),
     "ses: 'bounce' 'timestamp' is missing"),
    ("postmark", b"[]", "postmark: record is not a JSON object"),
    ("postmark", altered("postmark_hard_bounce.json", _drop("RecordType")), "postmark: record has no 'RecordType'"),
    ("postmark", altered("postmark_hard_bounce.json", _drop("Email")), "postmark: record has no 'Email'"),
    ("postmark", altered("postmark_hard_bounce.json", _drop("Type")), "postmark: record has no 'Type'"),
    ("postmark", altered("postmark_delivery.json", _drop("DeliveredAt")), "postmark: record 'DeliveredAt' is missing"),
]


@pytest.mark.parametrize(("provider", "body", "message"), MALFORMED, ids=[m for _, _, m in MALFORMED])
def test_a_malformed_payload_is_refused_with_a_message_naming_the_problem(provider: str, body: bytes,
                                                                          message: str) -> None:
    with pytest.raises(WebhookError, match=re.escape(message)):
        parse_events(provider, body)


SECRET = "wh-5ecret-Ø-token"
BODY = fixture("sendgrid_events.json")


def signed(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("headers", [
    {"X-Aicmo-Signature": signed(BODY)},
    {"x-aicmo-signature": signed(BODY).upper().replace("SHA256=", "sha256=")},
    {"Authorization": f"Bearer {SECRET}"},
    {"authorization": f"bearer {SECRET}"},
    {"Authorization": basic("sns", SECRET)},
    {"AUTHORIZATION": basic("", SECRET)},
    {"X-Aicmo-Signature": "sha256=00", "Authorization": f"Bearer {SECRET}"},
], ids=["hmac", "hmac-any-case", "bearer", "bearer-any-case", "basic", "basic-no-user", "bad-hmac-good-bearer"])
def test_a_request_proving_it_knows_the_secret_is_accepted(headers: dict[str, str]) -> None:
    assert verify_request(SECRET, BODY, headers) is True


@pytest.mark.parametrize("headers", [
    {},
    {"X-Aicmo-Signature": signed(BODY, "another secret")},
    {"X-Aicmo-Signature": signed(BODY + b" ")},
    {"X-Aicmo-Signature": signed(BODY).removeprefix("sha256=")},
    {"X-Aicmo-Signature": "md5=" + hashlib.md5(SECRET.encode() + BODY).hexdigest()},
    {"Authorization": "Bearer another secret"},
    {"Authorization": f"Bearer {SECRET}x"},
    {"Authorization": f"Token {SECRET}"},
    {"Authorization": basic("sns", "another secret")},
    {"Authorization": basic(SECRET, "")},
    {"Authorization": "Basic " + base64.b64encode(SECRET.encode()).decode()},
    {"Authorization": "Basic %%%not-base64%%%"},
    {"Authorization": "Basic çé"},
], ids=["nothing", "hmac-other-secret", "hmac-other-body", "hmac-no-prefix", "md5", "bearer-other-secret",
        "bearer-longer", "unknown-scheme", "basic-other-password", "basic-secret-as-user", "basic-no-colon",
        "basic-not-base64", "basic-not-ascii"])
def test_a_request_without_proof_of_the_secret_is_refused(headers: dict[str, str]) -> None:
    assert not verify_request(SECRET, BODY, headers)


def test_a_signature_over_another_body_is_refused() -> None:
    assert verify_request(SECRET, BODY, {"X-Aicmo-Signature": signed(BODY)})
    assert not verify_request(SECRET, BODY.replace(b"jane.doe", b"jane.roe"), {"X-Aicmo-Signature": signed(BODY)})


@pytest.mark.parametrize("secret", [None, ""])
def test_without_a_secret_every_request_is_refused(secret: str | None) -> None:
    proofs = [{"X-Aicmo-Signature": signed(BODY, "")}, {"Authorization": "Bearer "}, {"Authorization": basic("u", "")}]
    assert not any(verify_request(secret, BODY, headers) for headers in proofs)
