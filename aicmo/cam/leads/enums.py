from enum import StrEnum

from aicmo.cam.grading.grades import Grade as Grade  # a lead's grade; grading is its home


class LeadStatus(StrEnum):
    NEW = "new"
    CONTACTED = "contacted"
    REPLIED = "replied"
    INTERESTED = "interested"
    MEETING = "meeting"
    WON = "won"
    LOST = "lost"
    UNSUBSCRIBED = "unsubscribed"
    DO_NOT_CONTACT = "do_not_contact"


class EmailStatus(StrEnum):
    UNKNOWN = "unknown"
    VALID_SYNTAX = "valid_syntax"
    VALID_MX = "valid_mx"
    NO_MX = "no_mx"
    INVALID = "invalid"


class LinkedInStatus(StrEnum):
    NONE = "none"
    REQUEST_PENDING = "request_pending"
    CONNECTED = "connected"
    MESSAGED = "messaged"
    DECLINED = "declined"


class KeyKind(StrEnum):
    EMAIL = "email"
    LINKEDIN = "linkedin"
    NAME = "name"
    # Not a dedupe key: the id of a lead merged into this one, so links already sent to it still find the person.
    MERGED_LEAD = "merged_lead"
