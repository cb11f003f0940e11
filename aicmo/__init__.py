"""aicmo: a self-hosted client acquisition machine."""

__version__ = "0.1.0"
