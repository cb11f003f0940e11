"""Errors as RFC 9457 problem details (application/problem+json), naming the field at fault where there is one."""

import re
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from aicmo.errors import AicmoError

PROBLEM_JSON = "application/problem+json"
_NAMED_VALUE_ERROR = re.compile(r"Value error, (?P<field>[a-z_][a-z0-9_]*): (?P<reason>.+)", re.S)
# Domain errors by class-name ending: what HTTP status they are.
_STATUS_BY_SUFFIX = (("NotFound", 404), ("Duplicate", 409), ("StateError", 409), ("AlreadyClosed", 409),
                     ("ImportFileError", 422))
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "field": {"type": ["string", "null"]},
                   "errors": {"type": "array", "items": {"type": "object"}}},
    "required": ["title", "status"],
}
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}
    for status, description in ((400, "Bad request"), (401, "Missing, wrong or revoked API key"),
                                (404, "Not found"), (409, "Conflict"), (422, "Invalid input"))
}


def problem(status: int, title: str, detail: str, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON,
                        headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def status_of(error: AicmoError) -> int:
    name = type(error).__name__
    for suffix, status in _STATUS_BY_SUFFIX:
        if name.endswith(suffix) or name.startswith(suffix):
            return status
    return 422 if name.startswith("Invalid") else 400


def _located(error: Mapping[str, Any]) -> dict[str, str]:
    """A validation error's field and message; a whole-model check names its field itself ("field: reason")."""
    where = tuple(error.get("loc", ()))
    # A body's fields are named bare; a body field that is itself called "body" keeps its name.
    loc = [str(part) for part in (where[1:] if where[:1] == ("body",) else where)]
    message = str(error.get("msg", ""))
    named = _NAMED_VALUE_ERROR.fullmatch(message) if error.get("type") == "value_error" else None
    if named:
        loc.append(named["field"])
        message = named["reason"]
    return {"field": ".".join(loc), "message": message}


def _unreadable_json(exc: RequestValidationError) -> str | None:
    """Where a body that is not JSON at all goes wrong, by line and column; None for any other error."""
    errors = exc.errors()
    if len(errors) != 1 or errors[0].get("type") != "json_invalid":
        return None
    # FastAPI names the character offset where decoding stopped as the error's place, and keeps the text read.
    offset = errors[0].get("loc", ("body", 0))[-1]
    text = exc.body if isinstance(exc.body, str) else ""
    if not isinstance(offset, int) or not 0 <= offset <= len(text):
        return "body is not valid JSON"
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"body is not valid JSON: line {line}, column {column}"


def install(app: FastAPI) -> None:
    """Every error the app answers with becomes problem+json."""

    @app.exception_handler(AicmoError)
    async def domain_error(request: Request, exc: AicmoError) -> JSONResponse:
        field = getattr(exc, "field", None)
        return problem(status_of(exc), type(exc).__name__, str(exc), field=field)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        unreadable = _unreadable_json(exc)
        if unreadable is not None:
            return problem(422, "Invalid request", unreadable, field=None,
                           errors=[{"field": None, "message": unreadable}])
        errors = [_located(error) for error in exc.errors()]
        first = errors[0] if errors else {"field": None, "message": "invalid request"}
        return problem(422, "Invalid request", f"{first['field']}: {first['message']}", field=first["field"],
                       errors=errors)

    @app.exception_handler(DataError)
    async def unstorable_value(request: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character or an out-of-range number: PostgreSQL refuses them where SQLite stores them.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "a value the database cannot store"
        return problem(422, "Invalid value", reason)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        # The server logs it with its traceback and then closes the connection: the client is told so, rather than
        # finding out on its next request; it learns only that the fault was not its own.
        response = problem(500, "Server error", "an unexpected error occurred; it has been logged")
        response.headers["Connection"] = "close"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, str(exc.detail) if exc.status_code < 500 else "Server error",
                       str(exc.detail))
