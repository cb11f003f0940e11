"""Reading a mailbox over IMAP, against a real Dovecot: what is fetched, what is left alone, what is moved."""

import dataclasses
import socket
import ssl
from collections.abc import Iterator

import pytest

from aicmo.cam.inbox.imap import FetchedMessage, ImapSettings, InboxError, InboxReader
from aicmo.cam.outreach.domain import SmtpSecurity
from aicmo.cam.outreach.models import MailboxDB
from tests.support.dovecot import NO_MOVE_HOST, NO_UIDPLUS_HOST, ImapAccount

WRONG_PASSWORD = "Wr0ng-pa55word-xyz"


def _settings(account: ImapAccount, security: SmtpSecurity = SmtpSecurity.TLS, **changes: object) -> ImapSettings:
    port = account.tls_port if security is SmtpSecurity.TLS else account.port
    settings = ImapSettings(host=account.host, port=port, security=security, username=account.user,
                            password=account.password, timeout=10.0, ssl_context=account.ssl_context)
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def _message(tag: str) -> bytes:
    return (f"From: Jane Doe <jane@acme.io>\r\nTo: sales@ours.test\r\nSubject: Re: {tag}\r\n"
            f"Message-ID: <{tag}@acme.io>\r\n\r\nThanks, let's talk ({tag}).\r\n").encode()


def _deliver(account: ImapAccount, *tags: str) -> list[int]:
    return [account.append(_message(tag)) for tag in tags]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) but never sends a greeting."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(4)
        yield int(sock.getsockname()[1])


def test_fetching_after_a_uid_returns_only_the_newer_messages_oldest_first(imap_account: ImapAccount) -> None:
    first, second, third = _deliver(imap_account, "one", "two", "three")

    with InboxReader(_settings(imap_account)) as reader:
        fetched = reader.fetch_since(first)

    assert fetched == [FetchedMessage(second, _message("two")), FetchedMessage(third, _message("three"))]


def test_fetching_from_zero_returns_every_message(imap_account: ImapAccount) -> None:
    uids = _deliver(imap_account, "one", "two")

    with InboxReader(_settings(imap_account)) as reader:
        assert [message.uid for message in reader.fetch_since(0)] == uids


def test_fetching_past_the_newest_uid_returns_nothing(imap_account: ImapAccount) -> None:
    _first, newest = _deliver(imap_account, "one", "two")

    with InboxReader(_settings(imap_account)) as reader:
        assert reader.fetch_since(newest) == []
        assert reader.fetch_since(newest + 10) == []


def test_fetching_stops_at_the_limit_with_the_oldest_messages(imap_account: ImapAccount) -> None:
    first, second, _third = _deliver(imap_account, "one", "two", "three")

    with InboxReader(_settings(imap_account)) as reader:
        assert [message.uid for message in reader.fetch_since(0, limit=2)] == [first, second]


def test_an_empty_folder_gives_nothing_to_fetch(imap_account: ImapAccount) -> None:
    with InboxReader(_settings(imap_account)) as reader:
        assert reader.fetch_since(0) == []


def test_fetching_leaves_the_messages_unseen(imap_account: ImapAccount) -> None:
    uids = _deliver(imap_account, "one", "two")

    with InboxReader(_settings(imap_account)) as reader:
        assert len(reader.fetch_since(0)) == 2

    flags = imap_account.flags()
    assert sorted(flags) == uids
    assert all(b"\\Seen" not in message_flags for message_flags in flags.values())


def test_uidvalidity_is_the_folders_and_stays_the_same_across_sessions(imap_account: ImapAccount) -> None:
    _deliver(imap_account, "one")

    with InboxReader(_settings(imap_account)) as reader:
        first = reader.uidvalidity
    with InboxReader(_settings(imap_account)) as reader:
        second = reader.uidvalidity

    assert first == second == imap_account.uidvalidity("INBOX")
    assert first > 0


@pytest.mark.parametrize("host", ["127.0.0.1", NO_MOVE_HOST], ids=["MOVE", "COPY and UID EXPUNGE"])
def test_moving_takes_exactly_the_given_messages_and_leaves_every_other_one(imap_account: ImapAccount,
                                                                            host: str) -> None:
    uids = _deliver(imap_account, "one", "two", "three", "four")
    # The owner's own message marked deleted but not yet expunged: a plain EXPUNGE would take it too.
    imap_account.append(_message("owners-deleted"), flags=[b"\\Deleted"])
    assert imap_account.message_count("INBOX") == 5

    with InboxReader(_settings(imap_account, host=host)) as reader:
        reader.move([uids[1], uids[3]], "Processed")

    assert imap_account.message_ids("Processed") == ["<two@acme.io>", "<four@acme.io>"]
    assert imap_account.message_ids("INBOX") == ["<one@acme.io>", "<three@acme.io>", "<owners-deleted@acme.io>"]
    assert imap_account.message_count("INBOX") == 3


def test_moving_into_an_existing_folder_keeps_what_it_held(imap_account: ImapAccount) -> None:
    imap_account.append(_message("filed-earlier"), folder="Bounces")
    uid, = _deliver(imap_account, "one")

    with InboxReader(_settings(imap_account)) as reader:
        reader.move([uid], "Bounces")

    assert imap_account.message_ids("Bounces") == ["<filed-earlier@acme.io>", "<one@acme.io>"]
    assert imap_account.message_count("INBOX") == 0


def test_moving_nothing_changes_nothing(imap_account: ImapAccount) -> None:
    _deliver(imap_account, "one")

    with InboxReader(_settings(imap_account)) as reader:
        reader.move([], "Bounces")

    assert imap_account.folders() == ["INBOX"]
    assert imap_account.message_count("INBOX") == 1


def test_moving_is_refused_without_move_or_uidplus_and_changes_nothing(imap_account: ImapAccount) -> None:
    uids = _deliver(imap_account, "one", "two")
    imap_account.append(_message("owners-deleted"), flags=[b"\\Deleted"])

    with InboxReader(_settings(imap_account, host=NO_UIDPLUS_HOST)) as reader, \
            pytest.raises(InboxError, match="neither MOVE nor UIDPLUS"):
        reader.move([uids[0]], "Bounces")

    assert imap_account.folders() == ["INBOX"]
    assert imap_account.message_count("INBOX") == 3


@pytest.mark.parametrize("security", [SmtpSecurity.TLS, SmtpSecurity.STARTTLS, SmtpSecurity.NONE])
def test_each_kind_of_connection_reads_the_mailbox(imap_account: ImapAccount, security: SmtpSecurity) -> None:
    uid, = _deliver(imap_account, "one")

    with InboxReader(_settings(imap_account, security)) as reader:
        assert reader.fetch_since(0) == [FetchedMessage(uid, _message("one"))]


@pytest.mark.parametrize("security", [SmtpSecurity.TLS, SmtpSecurity.STARTTLS])
def test_a_certificate_from_an_untrusted_authority_is_refused(imap_account: ImapAccount,
                                                             security: SmtpSecurity) -> None:
    untrusting = ssl.create_default_context()  # the system's CAs only: the test CA is not among them

    with pytest.raises(InboxError, match="CERTIFICATE_VERIFY_FAILED") as refused:
        InboxReader(_settings(imap_account, security, ssl_context=untrusting)).__enter__()

    assert f"{imap_account.host}:{_settings(imap_account, security).port}" in str(refused.value)


def test_a_wrong_password_gives_an_inbox_error_without_the_password(imap_account: ImapAccount) -> None:
    settings = _settings(imap_account, password=WRONG_PASSWORD)

    with pytest.raises(InboxError) as refused:
        InboxReader(settings).__enter__()

    text = str(refused.value)
    assert f"IMAP {imap_account.host}:{imap_account.tls_port}" in text
    assert f"login as {imap_account.user} refused" in text
    assert "AUTHENTICATIONFAILED" in text
    assert WRONG_PASSWORD not in text
    assert WRONG_PASSWORD not in repr(settings)


def test_an_unreachable_port_gives_an_inbox_error_naming_host_and_port(imap_account: ImapAccount,
                                                                      closed_port: int) -> None:
    settings = _settings(imap_account, SmtpSecurity.NONE, port=closed_port)

    with pytest.raises(InboxError) as refused:
        InboxReader(settings).__enter__()

    text = str(refused.value)
    assert f"IMAP 127.0.0.1:{closed_port}: cannot connect: ConnectionRefusedError" in text
    assert imap_account.password not in text


def test_a_server_that_never_greets_gives_an_inbox_error_after_the_timeout(imap_account: ImapAccount,
                                                                          silent_port: int) -> None:
    settings = _settings(imap_account, SmtpSecurity.NONE, port=silent_port, timeout=0.5)

    with pytest.raises(InboxError, match=f"127.0.0.1:{silent_port}: cannot connect: .*timed out"):
        InboxReader(settings).__enter__()


def test_a_missing_folder_gives_an_inbox_error_naming_it(imap_account: ImapAccount) -> None:
    with pytest.raises(InboxError, match="cannot open folder Nowhere"):
        InboxReader(_settings(imap_account, folder="Nowhere")).__enter__()


def test_a_reader_used_outside_its_with_block_says_so(imap_account: ImapAccount) -> None:
    with pytest.raises(InboxError, match="not connected"):
        InboxReader(_settings(imap_account)).fetch_since(0)


def _mailbox(**columns: object) -> MailboxDB:
    return MailboxDB(name="sales", from_address="sales@ours.test", smtp_host="smtp.ours.test", **columns)


def test_a_mailbox_without_an_imap_host_is_not_read() -> None:
    assert ImapSettings.for_mailbox(_mailbox(), timeout=5.0) is None


@pytest.mark.parametrize(("security", "port"), [(SmtpSecurity.TLS, 993), (None, 993),
                                                (SmtpSecurity.STARTTLS, 143), (SmtpSecurity.NONE, 143)])
def test_a_mailbox_without_an_imap_port_gets_the_default_one_for_its_security(security: SmtpSecurity | None,
                                                                              port: int) -> None:
    settings = ImapSettings.for_mailbox(_mailbox(imap_host="imap.ours.test", imap_security=security), timeout=5.0)

    assert settings is not None
    assert (settings.port, settings.security) == (port, security or SmtpSecurity.TLS)


def test_a_mailbox_without_an_imap_login_uses_its_smtp_login() -> None:
    mailbox = _mailbox(imap_host="imap.ours.test", smtp_username="smtp-user", smtp_password="smtp-secret")

    settings = ImapSettings.for_mailbox(mailbox, timeout=7.0)

    assert settings == ImapSettings(host="imap.ours.test", port=993, security=SmtpSecurity.TLS,
                                    username="smtp-user", password="smtp-secret", folder="INBOX", timeout=7.0)


def test_a_mailbox_without_any_username_logs_in_as_its_from_address() -> None:
    settings = ImapSettings.for_mailbox(_mailbox(imap_host="imap.ours.test"), timeout=5.0)

    assert settings is not None
    assert (settings.username, settings.password) == ("sales@ours.test", "")


def test_a_mailboxs_own_imap_settings_win_over_the_smtp_ones() -> None:
    mailbox = _mailbox(imap_host="imap.ours.test", imap_port=10993, imap_security=SmtpSecurity.STARTTLS,
                       imap_username="imap-user", imap_password="imap-secret", imap_folder="Replies",
                       smtp_username="smtp-user", smtp_password="smtp-secret")

    settings = ImapSettings.for_mailbox(mailbox, timeout=5.0)

    assert settings == ImapSettings(host="imap.ours.test", port=10993, security=SmtpSecurity.STARTTLS,
                                    username="imap-user", password="imap-secret", folder="Replies", timeout=5.0)
