"""A mailbox sends on several connections: a recipient whose server is slow to answer holds up nobody else."""

import asyncio

from aicmo.cam.outreach.domain import SendStatus
from tests.integration.cam.outreach.email.builders import SETTINGS, lead, mailbox, message, service
from tests.support.smtp_server import ScriptedSmtpServer, slow_data

ONE_CONNECTION = SETTINGS.model_copy(update={"smtp_connections_per_mailbox": 1, "smtp_max_connections_per_mailbox": 2,
                                             "smtp_slow_reply_seconds": 0.2})


async def test_a_slow_answer_sets_its_connection_aside_and_the_next_message_goes_on_another(
        smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts["slow@acme.io"] = slow_data(1.5)
    channel = service(mailbox(smtp_server), settings=ONE_CONNECTION)
    slow = asyncio.ensure_future(channel.send(message(), lead(email="slow@acme.io")))
    await asyncio.sleep(0.05)
    fast = await channel.send(message(), lead(email="fast@acme.io"))
    slow_result = await slow
    await channel.aclose()

    [(recipient, _, accepted_by_then)] = smtp_server.answered
    assert recipient == "slow@acme.io" and "fast@acme.io" in accepted_by_then
    assert (fast.status, slow_result.status) == (SendStatus.SENT, SendStatus.SENT)
    assert smtp_server.connections == 2


async def test_connections_set_aside_never_exceed_the_mailbox_ceiling(smtp_server: ScriptedSmtpServer) -> None:
    smtp_server.scripts.update({f"slow{i}@acme.io": slow_data(0.6) for i in range(4)})
    channel = service(mailbox(smtp_server), settings=ONE_CONNECTION)
    results = await asyncio.gather(*(channel.send(message(), lead(email=f"slow{i}@acme.io")) for i in range(4)))
    await channel.aclose()

    assert all(result.status is SendStatus.SENT for result in results)
    assert smtp_server.connections == ONE_CONNECTION.smtp_max_connections_per_mailbox
    assert len(smtp_server.envelopes) == 4
