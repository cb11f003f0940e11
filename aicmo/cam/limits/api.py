"""REST routes for channel configuration: each channel's caps and retry policy, and `all` for the global ones."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from aicmo import operator_services as ops
from aicmo.cam.limits.config import ChannelConfigRead, ChannelConfigUpdate, UnknownChannel
from aicmo.web.deps import SessionDep, require_api_key
from aicmo.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/api/channels", tags=["channels"], dependencies=[Depends(require_api_key)],
                   responses={401: PROBLEM_RESPONSES[401]})
SCOPE_RESPONSES: dict[int | str, dict[str, Any]] = {404: PROBLEM_RESPONSES[404], 422: PROBLEM_RESPONSES[422]}


def _not_found(exc: UnknownChannel) -> HTTPException:
    # The scope is part of the URL: an unknown one is a resource that does not exist.
    return HTTPException(404, str(exc))


@router.get("")
def list_channel_configs(db: SessionDep) -> list[ChannelConfigRead]:
    """Every scope's configuration (email, linkedin, contact_form, all), the defaults where never changed."""
    return ops.list_channel_configs(db)


@router.get("/{scope}", responses=SCOPE_RESPONSES)
def get_channel_config(scope: str, db: SessionDep) -> ChannelConfigRead:
    """One scope's caps and retry policy: a channel, or `all` for the global caps and the per-lead gap."""
    try:
        return ops.get_channel_config(db, scope)
    except UnknownChannel as exc:
        raise _not_found(exc) from None


@router.patch("/{scope}", responses=SCOPE_RESPONSES)
def update_channel_config(scope: str, changes: ChannelConfigUpdate, db: SessionDep) -> ChannelConfigRead:
    """Change some settings of one scope; a cap given as null is removed, settings not given stay."""
    try:
        return ops.update_channel_config(db, scope, changes)
    except UnknownChannel as exc:
        raise _not_found(exc) from None
