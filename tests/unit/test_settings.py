"""Settings come from AICMO_ environment variables; a value aicmo cannot use is refused by its name."""

from collections.abc import Iterator

import pytest

from aicmo.errors import SettingsError
from aicmo.settings import get_settings


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
