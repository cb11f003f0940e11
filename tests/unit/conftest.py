"""The unit tier: rules and pure code, no database, network or other process (each refused at once if reached)."""

import pytest

from tests.support.isolation import forbid_outside_world


@pytest.fixture(autouse=True)
def _no_outside_world(monkeypatch: pytest.MonkeyPatch) -> None:
    forbid_outside_world(monkeypatch)
