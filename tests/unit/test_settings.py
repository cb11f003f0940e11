"""Settings come from AICMO_ environment variables; a value aicmo cannot use is refused by its name."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from aicmo.errors import SettingsError
from aicmo.settings import (
    DEFAULT_SECRET_KEY,
    Settings,
    get_settings,
    kept_key_file,
    key_file,
    with_own_secret_key,
)


@pytest.fixture(autouse=True)
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_every_unusable_value_is_named_with_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICMO_IMPORT_BATCH_SIZE", "-5")
    monkeypatch.setenv("AICMO_SMTP_TIMEOUT", "soon")
    with pytest.raises(SettingsError) as raised:
        get_settings()
    message = str(raised.value)
    assert message.startswith("invalid setting ")
    assert "AICMO_IMPORT_BATCH_SIZE='-5': Input should be greater than 0" in message
    assert "AICMO_SMTP_TIMEOUT='soon': Input should be a valid number" in message


@pytest.mark.parametrize(("variable", "value", "problem"), [
    ("AICMO_WORKER_LEASE_SECONDS", "-5", "Input should be greater than 0"),
    ("AICMO_WORKER_POLL_SECONDS", "0", "Input should be greater than 0"),
    ("AICMO_GUARD_BOUNCE_RATE", "2", "Input should be less than or equal to 1"),
    ("AICMO_GUARD_COMPLAINT_RATE", "-0.1", "Input should be greater than or equal to 0"),
    ("AICMO_IMPORT_MAX_COLUMNS", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_CONNECT_TIMEOUT", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_MAIL_TIMEOUT", "-1", "Input should be greater than 0"),
    ("AICMO_SMTP_RCPT_TIMEOUT", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_DATA_START_TIMEOUT", "-120", "Input should be greater than 0"),
    ("AICMO_SMTP_DATA_BLOCK_TIMEOUT", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_DATA_END_TIMEOUT", "-600", "Input should be greater than 0"),
    ("AICMO_SMTP_SLOW_REPLY_SECONDS", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_CONNECTIONS_PER_MAILBOX", "0", "Input should be greater than 0"),
    ("AICMO_SMTP_MAX_CONNECTIONS_PER_MAILBOX", "-4", "Input should be greater than 0"),
    ("AICMO_SMTP_MAX_CONNECTIONS_PER_MAILBOX", "2", "must be at least AICMO_SMTP_CONNECTIONS_PER_MAILBOX (4)"),
    ("AICMO_WORKER_MAX_SLOW_SENDS", "0", "Input should be greater than 0"),
    ("AICMO_IMPORT_MAX_FIELD_CHARS", "-1", "Input should be greater than 0"),
    ("AICMO_DEFAULT_PHONE_REGION", "XX", "not a country code phone numbers know: use two letters, e.g. US, GB or DE"),
    ("AICMO_DATABASE_URL", "garbage", "not a database URL: use e.g. sqlite:///./aicmo.db or "
                                      "postgresql+psycopg://user@host/db"),
])
def test_a_value_out_of_its_range_is_refused_in_one_line(monkeypatch: pytest.MonkeyPatch, variable: str, value: str,
                                                         problem: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as raised:
        get_settings()
    assert str(raised.value) == f"invalid setting {variable}={value!r}: {problem}"


def test_a_database_url_of_no_known_kind_is_refused_without_showing_its_password(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICMO_DATABASE_URL", "postgres://sam:s3cret@db.example/crm")
    with pytest.raises(SettingsError) as raised:
        get_settings()
    assert "s3cret" not in str(raised.value)
    assert str(raised.value).startswith("invalid setting AICMO_DATABASE_URL='postgres://…@db.example/crm': ")


def test_a_phone_region_is_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AICMO_DEFAULT_PHONE_REGION", " gb ")
    assert get_settings().default_phone_region == "GB"


def test_without_a_secret_key_one_is_made_once_and_kept_beside_the_sqlite_file(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'crm.db'}", secret_key_file=None)

    first, again = with_own_secret_key(settings), with_own_secret_key(settings)

    kept = tmp_path / "crm.db.key"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert first.secret_key == again.secret_key == kept.read_text().strip() != DEFAULT_SECRET_KEY
    assert len(first.secret_key) >= 32
    assert first.previous_secret_key == DEFAULT_SECRET_KEY  # what was sealed or signed with it before still opens
    assert kept_key_file(first) == kept


def test_a_set_secret_key_is_kept_as_it_is_and_no_file_is_made(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'crm.db'}", secret_key="an-operator-chosen-secret",
                        secret_key_file=None)

    assert with_own_secret_key(settings) is settings
    assert not (tmp_path / "crm.db.key").exists()
    assert kept_key_file(settings) is None


def test_another_database_keeps_its_key_in_the_configuration_directory(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    settings = Settings(database_url="postgresql+psycopg://aicmo@db.internal/crm", secret_key_file=None)

    assert key_file(settings) == tmp_path / "config" / "aicmo" / "secret.key"
    assert key_file(Settings(database_url="sqlite://", secret_key_file=tmp_path / "k")) == tmp_path / "k"


def test_a_key_that_cannot_be_kept_or_is_too_short_is_one_clear_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.raises(SettingsError, match=r"cannot keep the secret key in .*file/secret\.key .*set AICMO_SECRET_KEY"):
        with_own_secret_key(Settings(secret_key_file=blocked / "secret.key"))
    short = tmp_path / "short.key"
    short.write_text("abc\n")
    with pytest.raises(SettingsError, match="too short: delete the file to make a new one"):
        with_own_secret_key(Settings(secret_key_file=short))


def test_smtp_waits_default_to_what_rfc_5321_recommends() -> None:
    settings = Settings()
    waits = (settings.smtp_connect_timeout, settings.smtp_mail_timeout, settings.smtp_rcpt_timeout,
             settings.smtp_data_start_timeout, settings.smtp_data_block_timeout, settings.smtp_data_end_timeout)
    assert waits == (300, 300, 300, 120, 180, 600)
