"""The grades a lead can get against the ideal-customer profile, best first."""

from enum import StrEnum


class Grade(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
