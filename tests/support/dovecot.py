"""A real Dovecot IMAP server for tests, run from a throwaway config in a temp dir (no system config is read).

    with DovecotServer() as server:
        uid = server.append(raw_message)
        ...  # connect to server.host: server.port (STARTTLS offered) or server.tls_port (implicit TLS),
        ...  # log in as server.user / server.password, trust server.ssl_context (a trustme CA)
        assert server.message_count("INBOX") == 1

Every user name logs in with the one password (a static passdb: nothing to reload) and has a mailbox of its
own, so `add_user()` gives a test an empty account: tests sharing one server never see each other's mail.

Mail processes run as `nobody`: dovecot refuses root for them, `nobody` exists on every Debian system, and the
server is thrown away after the tests. The listeners also answer on 127.0.0.2 and 127.0.0.3, where dovecot
advertises no MOVE, and neither MOVE nor UIDPLUS: clients' fallbacks for older servers are tested there.
It starts in about a tenth of a second (the first run may install dovecot-imapd with apt first); one server
per test session is plenty.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import trustme
from imapclient import IMAPClient  # type: ignore[import-untyped]

from tests.support.system_packages import ensure_debian_packages

DOVECOT = "/usr/sbin/dovecot"
MAIL_USER = "nobody"
NO_MOVE_HOST = "127.0.0.2"
NO_UIDPLUS_HOST = "127.0.0.3"
_BASIC_CAPABILITIES = "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE IDLE NAMESPACE UNSELECT CHILDREN"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1, {no_move}, {no_uidplus}
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
# Wrong-password tests would otherwise slow every later login from 127.0.0.1 by seconds: no failure delay, and
# no per-IP penalty (its anvil socket is disabled, so the auth process runs without it).
auth_failure_delay = 0
mail_location = maildir:~/Maildir
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
first_valid_gid = {gid}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = home={root}/mail/%u
}}
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = {tls_port}
    ssl = yes
  }}
}}
local {no_move} {{
  protocol imap {{
    imap_capability = {basic} UIDPLUS
  }}
}}
local {no_uidplus} {{
  protocol imap {{
    imap_capability = {basic}
  }}
}}
"""


@dataclass(frozen=True)
class ImapAccount:
    """One user of the server, and a separate connection per call to look at or change its mail."""

    host: str
    port: int  # plain IMAP with STARTTLS offered
    tls_port: int  # implicit TLS
    user: str
    password: str = field(repr=False)
    ssl_context: ssl.SSLContext

    def append(self, raw: bytes, folder: str = "INBOX", flags: Sequence[str | bytes] = ()) -> int:
        """Deliver a message with IMAP APPEND, creating the folder if needed; return its UID."""
        with self._connect() as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            answer = client.append(folder, raw, flags=tuple(flags))
        found = re.search(rb"APPENDUID \d+ (\d+)", answer)
        assert found is not None, f"no APPENDUID in {answer!r}"
        return int(found.group(1))

    def list_uids(self, folder: str = "INBOX") -> list[int]:
        with self._connect() as client:
            client.select_folder(folder, readonly=True)
            return sorted(client.search("ALL"))

    def folders(self) -> list[str]:
        with self._connect() as client:
            return sorted(name for _flags, _delimiter, name in client.list_folders())

    def message_count(self, folder: str = "INBOX") -> int:
        with self._connect() as client:
            return int(client.folder_status(folder, ["MESSAGES"])[b"MESSAGES"])

    def uidvalidity(self, folder: str = "INBOX") -> int:
        with self._connect() as client:
            return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])

    def flags(self, folder: str = "INBOX") -> dict[int, set[bytes]]:
        """Each message's flags by UID, read without changing them."""
        with self._connect() as client:
            client.select_folder(folder, readonly=True)
            return {uid: set(flags) for uid, flags in client.get_flags(client.search("ALL")).items()}

    def message_ids(self, folder: str = "INBOX") -> list[str]:
        """The Message-ID header of each message in the folder, in UID order."""
        with self._connect() as client:
            client.select_folder(folder, readonly=True)
            fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
            headers = [fetched[uid][b"BODY[HEADER.FIELDS (MESSAGE-ID)]"] for uid in sorted(fetched)]
        return [header.decode().split(":", 1)[1].strip() for header in headers]

    def _connect(self) -> IMAPClient:
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        return client


class DovecotServer:
    """Dovecot on 127.0.0.1 on free ports, with a trustme certificate; killed and deleted on exit."""

    def __init__(self, user: str = "tester", password: str = "dovecot-test-secret") -> None:
        self.host = "127.0.0.1"
        self.user, self.password = user, password
        self.port = self.tls_port = 0
        self.ca = trustme.CA()
        self.ssl_context = ssl.create_default_context()
        self.ca.configure_trust(self.ssl_context)
        self._root: Path | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "DovecotServer":
        ensure_debian_packages({"dovecot-imapd": DOVECOT})
        self._root = Path(tempfile.mkdtemp(prefix="dovecot-"))
        try:
            self._start(self._root)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        process, self._process = self._process, None
        if process is not None:
            _stop(process)
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    @property
    def account(self) -> ImapAccount:
        return self._account(self.user)

    def add_user(self) -> ImapAccount:
        """Return the account of a user not seen before: its mailbox is empty."""
        return self._account(f"user-{uuid.uuid4().hex[:12]}")

    def append(self, raw: bytes, folder: str = "INBOX", flags: Sequence[str | bytes] = ()) -> int:
        """Deliver a message to the default user with IMAP APPEND; return its UID."""
        return self.account.append(raw, folder, flags)

    def list_uids(self, folder: str = "INBOX") -> list[int]:
        return self.account.list_uids(folder)

    def folders(self) -> list[str]:
        return self.account.folders()

    def message_count(self, folder: str = "INBOX") -> int:
        return self.account.message_count(folder)

    def log(self) -> str:
        """What dovecot logged so far: attached to failures to say why."""
        path = self._path("dovecot.log")
        return path.read_text(errors="replace") if path.exists() else ""

    def _account(self, user: str) -> ImapAccount:
        return ImapAccount(self.host, self.port, self.tls_port, user, self.password, self.ssl_context)

    def _path(self, name: str) -> Path:
        assert self._root is not None, "the server is not running"
        return self._root / name

    def _start(self, root: Path) -> None:
        mail_user = pwd.getpwnam(MAIL_USER)
        root.chmod(0o755)  # dovecot's unprivileged processes must reach their sockets and the mail below it
        (root / "mail").mkdir()
        os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
        certificate = self.ca.issue_cert("127.0.0.1", NO_MOVE_HOST, NO_UIDPLUS_HOST, "localhost")
        certificate.cert_chain_pems[0].write_to_path(str(root / "cert.pem"))
        for pem in certificate.cert_chain_pems[1:]:
            pem.write_to_path(str(root / "cert.pem"), append=True)
        certificate.private_key_pem.write_to_path(str(root / "key.pem"))
        self.port, self.tls_port = _free_ports(2)
        config = _CONFIG.format(root=root, uid=mail_user.pw_uid, gid=mail_user.pw_gid, port=self.port,
                                tls_port=self.tls_port, no_move=NO_MOVE_HOST, no_uidplus=NO_UIDPLUS_HOST,
                                basic=_BASIC_CAPABILITIES, password=self.password)
        (root / "dovecot.conf").write_text(config)
        with (root / "stderr.log").open("wb") as stderr:  # the child keeps its own copy of the descriptor
            self._process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
                                             stdout=subprocess.DEVNULL, stderr=stderr, start_new_session=True)
        self._wait_until_listening(self._process, (self.port, self.tls_port))

    def _wait_until_listening(self, process: subprocess.Popen[bytes], ports: Iterable[int]) -> None:
        deadline = time.monotonic() + 30
        waiting = set(ports)
        while waiting:
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = self._path("stderr.log").read_text(errors="replace")
                raise RuntimeError(f"dovecot did not start (exit {process.poll()}):\n{stderr}\n{self.log()}")
            waiting = {port for port in waiting if not _accepts(self.host, port)}
            if waiting:
                time.sleep(0.05)


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Ask dovecot's master to stop; kill its whole process group if it has not within a few seconds."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        process.wait(timeout=10)
    with suppress(ProcessLookupError):  # login and mail processes left behind by the master
        os.killpg(process.pid, signal.SIGKILL)
