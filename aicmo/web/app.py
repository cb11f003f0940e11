"""The HTTP app `aicmo serve` runs. Nothing connects at import time: the database is opened when it starts."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from aicmo import __version__
from aicmo.bootstrap import session_factory
from aicmo.cam.alerts.api import router as alerts_router
from aicmo.cam.analytics.api import router as metrics_router
from aicmo.cam.attribution.api import router as reports_router
from aicmo.cam.campaigns.api import router as campaigns_router
from aicmo.cam.costs.api import router as costs_router
from aicmo.cam.deliverability.api import router as guard_router
from aicmo.cam.experiments.api import router as experiments_router
from aicmo.cam.grading.api import router as grading_router
from aicmo.cam.inbox.api import router as webhooks_router
from aicmo.cam.leads.api import router as leads_router
from aicmo.cam.limits.api import router as channels_router
from aicmo.cam.outcomes.api import router as outcomes_router
from aicmo.cam.outcomes.api import webhook_router as crm_webhook_router
from aicmo.cam.outreach.api import router as messages_router
from aicmo.cam.outreach.email.api import router as mailboxes_router
from aicmo.cam.outreach.forms.api import router as form_tasks_router
from aicmo.cam.outreach.linkedin.api import router as linkedin_callback_router
from aicmo.cam.outreach.tasks.api import router as tasks_router
from aicmo.cam.roi.api import router as roi_router
from aicmo.cam.suppression.admin_api import router as suppressions_router
from aicmo.cam.suppression.api import router as unsubscribe_router
from aicmo.cam.webhooks.api import router as outgoing_webhooks_router
from aicmo.settings import Settings, get_settings
from aicmo.web import problems
from aicmo.web.dashboard.app import create_dashboard
from aicmo.web.deps import SessionDep
from aicmo.web.limits import RequestLimits
from aicmo.web.security_headers import SecurityHeaders


def create_app(settings: Settings | None = None, sessions: sessionmaker[Session] | None = None) -> FastAPI:
    """The app on the given database sessions, or on the configured database (an embedded SQLite is upgraded)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if app.state.sessions is None:
            app.state.sessions = session_factory(settings.database_url)
        yield

    app = FastAPI(title="aicmo", version=__version__, lifespan=lifespan,
                  description="Import, grade and reach leads; every route needs `Authorization: Bearer KEY` "
                              "(`aicmo apikey create NAME`) except /health, the unsubscribe pages and the "
                              "provider webhooks, which carry their own proof.")
    problems.install(app)
    app.add_middleware(RequestLimits, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.state.settings = settings
    app.state.sessions = sessions
    app.include_router(unsubscribe_router)
    app.include_router(crm_webhook_router)
    app.include_router(linkedin_callback_router)  # before /webhooks/{provider}, which would take its path
    app.include_router(webhooks_router)
    app.include_router(leads_router)
    app.include_router(grading_router)
    app.include_router(messages_router)
    app.include_router(campaigns_router)
    app.include_router(experiments_router)
    app.include_router(channels_router)
    app.include_router(metrics_router)
    app.include_router(outcomes_router)
    app.include_router(reports_router)
    app.include_router(roi_router)
    app.include_router(costs_router)
    app.include_router(tasks_router)
    app.include_router(form_tasks_router)
    app.include_router(suppressions_router)
    app.include_router(mailboxes_router)
    app.include_router(guard_router)
    app.include_router(alerts_router)
    app.include_router(outgoing_webhooks_router)
    app.mount("/app", create_dashboard(app, settings))

    @app.get("/health", tags=["health"])
    def health(db: SessionDep) -> JSONResponse:
        """Answer 200 when the app and its database respond, 503 when the database does not."""
        try:
            db.execute(text("SELECT 1"))
        except OperationalError:
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
