"""The operator's web dashboard under /app: server-rendered pages over the operator services.

The app is built by `aicmo.web.dashboard.app.create_dashboard`; this package file imports nothing, so a page's
helper (the campaign form's parsing, the charts) can be used without loading every page."""
