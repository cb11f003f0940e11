"""`aicmo apikey` through the installed command: the key is printed once, on standard output alone."""

import sqlite3
from pathlib import Path

from tests.integration.cli.test_mailboxes_cli import run


def test_create_prints_the_key_once_then_list_and_revoke_never_show_it(tmp_path: Path) -> None:
    created = run(tmp_path, "apikey", "create", "crm-sync")
    key = created.stdout.strip()
    assert key.startswith("aicmo_") and "shown again" in created.stderr
    listed = run(tmp_path, "apikey", "list")
    assert "crm-sync" in listed.stdout and "active" in listed.stdout and key not in listed.stdout
    assert key[:12] in listed.stdout
    run(tmp_path, "apikey", "revoke", "crm-sync")
    assert "revoked" in run(tmp_path, "apikey", "list").stdout
    with sqlite3.connect(tmp_path / "aicmo.db") as connection:
        stored = connection.execute("SELECT key_hash FROM api_keys").fetchone()[0]
    assert key not in stored


def test_a_second_key_with_the_same_name_is_refused(tmp_path: Path) -> None:
    run(tmp_path, "apikey", "create", "ops")
    again = run(tmp_path, "apikey", "create", "ops", ok=False)
    assert again.returncode == 1 and "exists already" in again.stderr and again.stdout == ""
