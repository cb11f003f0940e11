"""Build the channel registry from the settings and the stored mailboxes: the one place channels are wired."""

import ssl

from sqlalchemy.orm import Session, sessionmaker

from aicmo.cam.outreach.email.channel import EmailOutreachService
from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
from aicmo.cam.outreach.forms.model import SenderIdentity
from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService
from aicmo.cam.outreach.registry import ChannelRegistry
from aicmo.settings import Settings


def sender_identity(settings: Settings) -> SenderIdentity | None:
    if not settings.sender_name or not settings.sender_email:
        return None
    return SenderIdentity(full_name=settings.sender_name, email=settings.sender_email, company=settings.sender_company,
                          phone=settings.sender_phone, website=settings.sender_website)


def build_registry(sessions: sessionmaker[Session], settings: Settings, *,
                   tls_context: ssl.SSLContext | None = None) -> ChannelRegistry:
    """Every channel that is configured: email (from the stored mailboxes), LinkedIn always, contact forms
    once a sender identity is set."""
    registry = ChannelRegistry()
    # Registered even without mailboxes: one added later is picked up by a running worker.
    registry.register(EmailOutreachService.from_db(sessions, tls_context=tls_context, settings=settings))
    registry.register(LinkedInOutreachService.from_settings(sessions, settings))
    sender = sender_identity(settings)
    if sender is not None:
        trusted = [n.strip() for n in settings.form_trusted_networks.split(",") if n.strip()]
        registry.register(ContactFormOutreachService(sender, sessions=sessions, settings=settings,
                                                     trusted_networks=trusted))
    return registry
