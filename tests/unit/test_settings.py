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
