"""Every failure, own or framework's, answered in the one error shape with its status.

The table below is the whole mapping; a handler for anything unforeseen keeps
the shape, so a client never has to parse two kinds of error.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.api.limits import BodyTooLarge, RateLimited
from app.api.schemas.error import error_body
from app.store.errors import Conflict, NotFound, StoreFailed, StoreUnavailable

log = logging.getLogger("leadgate")

RETRY_AFTER_SECONDS = "2"

# pydantic error types that mean the body itself is unreadable: 400, not 422
_MALFORMED = frozenset({"json_invalid", "nul_byte"})


_HTTP_CODES = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
}


class Unauthorized(Exception):
    """No key, or a key that names no live tenant."""


def _respond(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> JSONResponse:
    return JSONResponse(error_body(code, message, field), status_code=status, headers=headers)


def _field_path(loc: Sequence[int | str]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def _validation(exc: RequestValidationError) -> JSONResponse:
    errors: list[dict[str, Any]] = list(exc.errors())
    first = errors[0] if errors else {"type": "invalid", "loc": (), "msg": "invalid request"}
    kind = str(first.get("type", "invalid"))
    loc = tuple(first.get("loc", ()))
    field = _field_path(loc)
    if kind in _MALFORMED:
        message = "the body is not valid JSON" if kind == "json_invalid" else str(first["msg"])
        return _respond(400, "malformed_body" if kind == "json_invalid" else kind, message, field)
    if kind == "extra_forbidden":
        return _respond(422, "unknown_field", f"unknown field {loc[-1]!r}", field)
    if kind == "missing":
        return _respond(422, "missing_field", f"{field or 'the body'} is required", field)
    message = f"{field or 'the body'}: {first.get('msg', 'invalid')}"
    return _respond(422, "invalid_field", message, field)


def install(app: FastAPI) -> None:
    async def on_validation(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        return _validation(exc)

    async def on_http(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        return _respond(exc.status_code, code, str(exc.detail))

    async def on_not_found(_: Request, exc: Exception) -> JSONResponse:
        return _respond(404, "not_found", str(exc))

    async def on_conflict(_: Request, exc: Exception) -> JSONResponse:
        return _respond(409, "conflict", str(exc))

    async def on_unavailable(_: Request, exc: Exception) -> JSONResponse:
        log.warning("database unavailable: %s (%s)", exc, type(exc.__cause__ or exc).__name__)
        return _respond(
            503,
            "database_unavailable",
            "the database is unreachable; retry shortly",
            **{"Retry-After": RETRY_AFTER_SECONDS},
        )

    async def on_failed(_: Request, exc: Exception) -> JSONResponse:
        log.error("database refused a statement: %s", exc, exc_info=exc.__cause__)
        return _respond(
            503,
            "database_error",
            "the database refused the request; nothing was stored",
            **{"Retry-After": RETRY_AFTER_SECONDS},
        )

    async def on_too_large(_: Request, exc: Exception) -> JSONResponse:
        return _respond(413, "too_large", str(exc))

    async def on_rate_limited(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RateLimited)
        return _respond(429, "rate_limited", str(exc), **{"Retry-After": str(exc.retry_after)})

    async def on_unauthorized(_: Request, exc: Exception) -> JSONResponse:
        return _respond(401, "unauthorized", str(exc), **{"WWW-Authenticate": "Bearer"})

    async def on_unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _respond(500, "internal_error", "an unexpected error occurred")

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(Conflict, on_conflict)
    app.add_exception_handler(StoreUnavailable, on_unavailable)
    app.add_exception_handler(StoreFailed, on_failed)
    app.add_exception_handler(BodyTooLarge, on_too_large)
    app.add_exception_handler(RateLimited, on_rate_limited)
    app.add_exception_handler(Unauthorized, on_unauthorized)
    app.add_exception_handler(Exception, on_unexpected)
