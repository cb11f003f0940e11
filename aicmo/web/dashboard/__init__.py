"""The operator's web dashboard under /app: server-rendered pages over the operator services."""

from aicmo.web.dashboard.app import create_dashboard

__all__ = ["create_dashboard"]
