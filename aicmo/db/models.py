"""Every ORM model, imported in one place so Alembic and create_all see the whole schema."""

from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.leads.models import ImportLogDB, LeadAliasDB, LeadDB
from aicmo.cam.outreach.models import DeliveryEventDB, LinkedInTaskDB, MailboxDB, OutreachAttemptDB
from aicmo.db.base import Base

__all__ = [
    "Base", "CampaignDB", "DeliveryEventDB", "ImportLogDB", "LeadAliasDB", "LeadDB", "LinkedInTaskDB", "MailboxDB",
    "OutreachAttemptDB",
]
