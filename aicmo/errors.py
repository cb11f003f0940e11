from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class AicmoError(Exception):
    """Base of every error aicmo reports to a user instead of a traceback."""


class InvalidField(AicmoError):
    """Input refused for one field (None: the input as a whole), with a reason a person can act on."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


def validated(model: type[M], data: M | Mapping[str, Any], error: type[InvalidField]) -> M:
    """`data` as a `model`, or `error` naming the first field at fault and why, in the schema's own words."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise error(field, str(first["msg"]).removeprefix("Value error, ")) from None


class LeadNotFound(AicmoError):
    def __init__(self, lead_id: int) -> None:
        super().__init__(f"lead {lead_id} not found")
        self.lead_id = lead_id


class InvalidLead(InvalidField):
    """A lead's field holds a value aicmo cannot store."""


class DuplicateLead(AicmoError):
    def __init__(self, existing_id: int, key: str) -> None:
        super().__init__(f"a lead with the same {key} already exists (id {existing_id})")
        self.existing_id = existing_id
        self.key = key


class SettingsError(AicmoError):
    """An AICMO_ environment variable (or .env line) holds a value aicmo cannot use."""


class ImportFileError(AicmoError):
    """The file as a whole cannot be imported; nothing was written."""


class GradingProfileError(AicmoError):
    pass


class GradingProfileStateError(GradingProfileError):
    """The profile cannot be changed where it is (the shipped default, for one)."""


class TaskNotFound(AicmoError):
    """No operator task has this id (none of the kind asked for, when one was)."""

    def __init__(self, task_id: int, label: str = "task") -> None:
        super().__init__(f"{label} {task_id} not found")
        self.task_id = task_id


class TaskAlreadyClosed(AicmoError):
    def __init__(self, task_id: int, status: str, label: str = "task") -> None:
        super().__init__(f"{label} {task_id} is already {status}")
        self.task_id = task_id
        self.status = status


# Contact-form tasks answer with these names (the API's problem titles) as they did before the queue was shared.
class FormTaskNotFound(TaskNotFound):
    def __init__(self, task_id: int) -> None:
        super().__init__(task_id, "contact-form task")


class FormTaskAlreadyClosed(TaskAlreadyClosed):
    def __init__(self, task_id: int, status: str) -> None:
        super().__init__(task_id, status, "contact-form task")


class InvalidSignature(AicmoError):
    """A signed request whose signature is missing, wrong or too old: refuse it."""


class InvalidCallback(AicmoError):
    """A correctly signed callback whose content cannot be understood."""


class CampaignNotFound(AicmoError):
    def __init__(self, key: int | str) -> None:
        super().__init__(f"campaign {key} not found")
        self.key = key


class InvalidCampaign(InvalidField):
    """A campaign's spec cannot be stored as given."""


class CampaignStateError(AicmoError):
    """The campaign cannot do that in its current state (e.g. resume a stopped campaign)."""


class MessageNotFound(AicmoError):
    def __init__(self, message_id: str) -> None:
        super().__init__(f"message {message_id} not found")
        self.message_id = message_id


class MessageStateError(AicmoError):
    """The message cannot do that in its current state (e.g. retry one that was sent)."""


class OutcomeNotFound(AicmoError):
    def __init__(self, outcome_id: int) -> None:
        super().__init__(f"outcome {outcome_id} not found")
        self.outcome_id = outcome_id


class InvalidOutcome(InvalidField):
    """An outcome cannot be recorded as given."""


class InvalidCost(InvalidField):
    """A channel's costs cannot be stored as given."""


class InvalidExperiment(InvalidField):
    """An experiment cannot be started as given."""


class ExperimentNotFound(AicmoError):
    def __init__(self, campaign: int | str, step: int) -> None:
        super().__init__(f"campaign {campaign!r} has no experiment on step {step}")
        self.campaign, self.step = campaign, step
