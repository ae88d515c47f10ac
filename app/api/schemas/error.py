"""The one error body every failure answers with."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable error code, e.g. `unknown_field`.")
    message: str = Field(description="What went wrong, for a person.")
    field: str | None = Field(default=None, description="Dotted path of the offending field.")


class ErrorBody(BaseModel):
    error: ErrorDetail


def error_body(code: str, message: str, field: str | None = None) -> dict[str, object]:
    return {"error": {"code": code, "message": message, "field": field}}


_DESCRIPTIONS = {
    400: "Malformed JSON or a NUL character in text.",
    401: "No key, or a key that names no live tenant.",
    404: "No such record for this tenant.",
    409: "The write contradicts existing data.",
    413: "Body over 1 MiB, or a batch over 1000 leads.",
    422: "A field of the wrong type, a missing field or an unknown key (named in `field`).",
    429: "Over the tenant's request rate; retry after `Retry-After` seconds.",
    503: "The database is unreachable; retry after `Retry-After` seconds.",
}


def responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """The OpenAPI entries for the errors a route can answer, all in the one shape."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}
