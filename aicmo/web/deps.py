"""What routes share: the settings, a database session, and the caller's API key."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from aicmo import operator_services as ops
from aicmo.cam.auth.service import ApiKeyRead
from aicmo.settings import Settings

_bearer = HTTPBearer(auto_error=False, description="An API key from `aicmo apikey create NAME`.")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        yield session


def require_api_key(db: Annotated[Session, Depends(get_session)],
                    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> ApiKeyRead:
    """The caller's live API key, from `Authorization: Bearer KEY`; 401 without one.

    It looks in the request's own session (the route's SessionDep is the same one), so a request costs one
    session, not two.
    """
    key = ops.authenticate_api_key(db, credentials.credentials if credentials else None)
    if key is None:
        raise HTTPException(401, "a valid API key is needed: Authorization: Bearer KEY")
    return key


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
ApiKeyDep = Annotated[ApiKeyRead, Depends(require_api_key)]
