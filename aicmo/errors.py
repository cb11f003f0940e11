class AicmoError(Exception):
    """Base of every error aicmo reports to a user instead of a traceback."""


class LeadNotFound(AicmoError):
    def __init__(self, lead_id: int) -> None:
        super().__init__(f"lead {lead_id} not found")
        self.lead_id = lead_id


class InvalidLead(AicmoError):
    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(f"{field}: {reason}" if field else reason)
        self.field = field
        self.reason = reason


class DuplicateLead(AicmoError):
    def __init__(self, existing_id: int, key: str) -> None:
        super().__init__(f"a lead with the same {key} already exists (id {existing_id})")
        self.existing_id = existing_id
        self.key = key


class ImportFileError(AicmoError):
    """The file as a whole cannot be imported; nothing was written."""


class GradingProfileError(AicmoError):
    pass
