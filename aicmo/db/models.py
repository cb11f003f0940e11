"""Every ORM model, imported in one place so Alembic and create_all see the whole schema."""

from aicmo.cam.alerts.models import AlertDB
from aicmo.cam.auth.models import ApiKeyDB, DashboardSessionDB, LoginFailureDB
from aicmo.cam.campaigns.models import CampaignDB
from aicmo.cam.channel_order.models import ChannelOrderChoiceDB
from aicmo.cam.costs.models import ChannelCostDB
from aicmo.cam.deliverability.models import GuardThresholdsDB
from aicmo.cam.experiments.models import ExperimentDB
from aicmo.cam.history.models import CampaignEventDB
from aicmo.cam.inbox.models import InboundMessageDB, InboxStateDB
from aicmo.cam.leads.models import ImportLogDB, LeadAliasDB, LeadDB
from aicmo.cam.limits.models import ChannelConfigDB, RateCounterDB, RateGateDB
from aicmo.cam.outcomes.models import OutcomeDB
from aicmo.cam.outreach.models import (
    DeliveryEventDB,
    MailboxDB,
    OutreachAttemptDB,
    OutreachMessageDB,
)
from aicmo.cam.outreach.tasks.models import OperatorTaskDB
from aicmo.cam.sequences.models import SequenceConfigDB
from aicmo.cam.suppression.models import SuppressionDB
from aicmo.cam.webhooks.models import WebhookDeliveryDB, WebhookSubscriptionDB
from aicmo.db.base import Base

__all__ = [
    "AlertDB", "ApiKeyDB", "Base", "CampaignDB", "CampaignEventDB", "ChannelConfigDB", "ChannelCostDB",
    "ChannelOrderChoiceDB", "DashboardSessionDB", "DeliveryEventDB", "ExperimentDB", "GuardThresholdsDB", "ImportLogDB",
    "InboundMessageDB", "InboxStateDB", "LeadAliasDB", "LeadDB", "LoginFailureDB", "MailboxDB", "OperatorTaskDB",
    "OutcomeDB", "OutreachAttemptDB", "OutreachMessageDB", "RateCounterDB", "RateGateDB", "SequenceConfigDB",
    "SuppressionDB", "WebhookDeliveryDB", "WebhookSubscriptionDB",
]
