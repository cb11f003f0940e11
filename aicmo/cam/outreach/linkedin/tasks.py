"""The default provider: every step waits as a task for the operator, who does it by hand on LinkedIn."""

from aicmo.cam.outreach.domain import SendStatus
from aicmo.cam.outreach.linkedin.domain import Handover, LinkedInStep


class TaskProvider:
    name = "tasks"

    async def hand_over(self, step: LinkedInStep) -> Handover:
        """The stored task is the hand-over: it shows up in `aicmo tasks list`."""
        return Handover(status=SendStatus.PENDING)

    async def aclose(self) -> None:
        return None
