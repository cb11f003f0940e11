"""The table classes under the names the product specification uses."""

from aicmo.db.models import CampaignDB, ImportLogDB, LeadAliasDB, LeadDB

__all__ = ["CampaignDB", "ImportLogDB", "LeadAliasDB", "LeadDB"]
