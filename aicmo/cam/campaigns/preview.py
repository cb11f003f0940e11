"""What a lead would receive from a campaign's steps: the sender's own rendering, for every step and variant."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aicmo.cam.templates.context import message_context
from aicmo.cam.templates.render import RenderedMessage, RenderLimits, TemplateProblem, render_message

__all__ = ["MessageDraft", "MessagePreview", "preview_messages", "write_for_lead"]


@dataclass(frozen=True)
class MessageDraft:
    """One text of a step: the step's own, or one of its variants' (the variant's subject falls back to the
    step's)."""

    step: int  # from 0, as the sender counts
    variant: str | None
    subject: str | None
    body: str


@dataclass(frozen=True)
class MessagePreview:
    step: int
    variant: str | None
    subject: str | None
    body: str | None
    error: str | None  # why this text cannot be written for the lead, naming the template part
    part: str | None  # "subject" or "body" when the error is in one of them


def write_for_lead(subject: str | None, body: str, index: int, lead: object, lead_id: int,
                   sender: Mapping[str, Any], *, limits: RenderLimits) -> RenderedMessage:
    """Step `index`'s text for this lead as it is sent: spintax chosen by lead and step, then sandboxed Jinja."""
    return render_message(subject, body, message_context(lead, sender), seed=f"{lead_id}:{index}", limits=limits)


def preview_messages(drafts: Sequence[MessageDraft], lead: object, lead_id: int, sender: Mapping[str, Any], *,
                     limits: RenderLimits) -> list[MessagePreview]:
    """Every draft written for the lead, or the template problem that stops it, one result per draft."""
    previews = []
    for draft in drafts:
        try:
            message = write_for_lead(draft.subject, draft.body, draft.step, lead, lead_id, sender, limits=limits)
        except TemplateProblem as problem:
            previews.append(MessagePreview(draft.step, draft.variant, None, None, str(problem), problem.part))
        else:
            previews.append(MessagePreview(draft.step, draft.variant, message.subject, message.body, None, None))
    return previews
