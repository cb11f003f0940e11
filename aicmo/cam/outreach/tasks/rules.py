"""What a finished operator task means for its lead."""

from aicmo.cam.leads.enums import LinkedInStatus
from aicmo.cam.outreach.tasks.models import LinkedInTaskKind


def status_after(kind: LinkedInTaskKind, current: LinkedInStatus) -> LinkedInStatus:
    """The lead's LinkedIn status once a step of this kind was done; never back from connected to pending."""
    if kind is LinkedInTaskKind.MESSAGE:
        return LinkedInStatus.MESSAGED
    if current in (LinkedInStatus.CONNECTED, LinkedInStatus.MESSAGED):
        return current
    return LinkedInStatus.REQUEST_PENDING
