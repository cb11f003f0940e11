"""Outreach channels behind one interface (base.py), each channel in its own folder (email/, linkedin/, forms/:
the adapter in channel.py, its rules, CLI and API beside it), and the operator-task queue LinkedIn steps and contact
forms leave work in (tasks/).

The adapters are importable from here by name; they load on first use, so importing a submodule of this package
never pulls in every channel's network code.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aicmo.cam.outreach.email.channel import EmailOutreachService
    from aicmo.cam.outreach.forms.channel import ContactFormOutreachService
    from aicmo.cam.outreach.linkedin.channel import LinkedInOutreachService

__all__ = ["ContactFormOutreachService", "EmailOutreachService", "LinkedInOutreachService"]

_ADAPTERS = {"EmailOutreachService": "aicmo.cam.outreach.email.channel",
             "LinkedInOutreachService": "aicmo.cam.outreach.linkedin.channel",
             "ContactFormOutreachService": "aicmo.cam.outreach.forms.channel"}


def __getattr__(name: str) -> object:
    module = _ADAPTERS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
