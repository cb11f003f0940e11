"""The table classes under the names the product specification uses."""

from aicmo.db.models import (
    CampaignDB,
    ChannelConfigDB,
    ImportLogDB,
    LeadAliasDB,
    LeadDB,
    OutreachAttemptDB,
    OutreachMessageDB,
    SequenceConfigDB,
)

__all__ = ["CampaignDB", "ChannelConfigDB", "ImportLogDB", "LeadAliasDB", "LeadDB", "OutreachAttemptDB",
           "OutreachMessageDB", "SequenceConfigDB"]
