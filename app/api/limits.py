"""Size, shape and rate limits, one named constant each, and the guard that runs before parsing.

The guard reads the body once, before FastAPI parses it, and refuses with the
contract's error shape: a NUL character in an API path (404) or query (422), a body
over MAX_BODY_BYTES (413, also when chunked with no Content-Length), a JSON
body that is not UTF-8 or not JSON (400), or one nested deeper than
MAX_JSON_DEPTH (400: the standard library's parser would otherwise recurse
until Python gives up). So no handler ever sees such a request, and nothing
of it is stored.
"""

from __future__ import annotations

import email.message
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.schemas.error import error_body

MAX_BODY_BYTES = 1024 * 1024
MAX_BATCH = 1000
MAX_STRING_LENGTH = 2000
MAX_LIST_ITEMS = 20
MAX_ATTRIBUTES_DEPTH = 5
MAX_ATTRIBUTES_ITEMS = 200
# The deepest body the API needs is a batch of leads with attributes (about 9)
# or a tenant policy (about 6); anything far past that is an attack or a bug.
MAX_JSON_DEPTH = 32
_BOM = b"\xef\xbb\xbf"

# The scope key of a JSON body's value, as FastAPI's own parser would read it.
PARSED_BODY = "leadgate.parsed_body"
# orjson reads an integer past 64 bits as a float where the standard library's parser
# keeps it whole; such an integer has at least 19 digits, so a body with a run of 19 is
# not left in the scope and its route parses it as FastAPI does.
_LONG_DIGITS = re.compile(rb"\d{19}")
Problem = tuple[str, str, str | None]


class BodyTooLarge(Exception):
    """A body or a batch over its limit: answered 413."""


class RateLimited(Exception):
    """The tenant is over its rate: answered 429 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"over the tenant's rate limit; retry in {retry_after} s")
        self.retry_after = retry_after


class BodySizeLimit:
    """Refuse bodies over MAX_BODY_BYTES (413) and unreadable JSON bodies (400) before parsing.

    The body is read here, at most one chunk past the limit, and handed on
    whole, so a chunked body with no Content-Length is held to the same limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _nul_in_url(scope)
        if refusal is not None:
            await _refuse(send, *refusal)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = _content_length(scope)
        if length is not None and length > self.max_bytes:
            await _refuse(send, 413, "body_too_large", self._too_large())
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await _refuse(send, 413, "body_too_large", self._too_large())
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if body and _is_json(scope):
            value, problem = read_json(body)
            if problem is not None:
                await _refuse(send, 400, *problem)
                return
            if _LONG_DIGITS.search(body) is None:
                # Set on this very scope, not a copy: the router records the route on it,
                # which MetricsMiddleware reads.
                scope[PARSED_BODY] = value
        await self.app(scope, _replay(body, receive), send)

    def _too_large(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"


def read_json(body: bytes) -> tuple[Any, Problem | None]:
    """The body's JSON value, and (code, message, field) of what makes it unacceptable, or None.

    orjson checks UTF-8 (lone surrogates included, which no database can
    store) and syntax in one fast pass and stops at a depth of 1024. A NUL
    character is refused in any text, keys included: PostgreSQL stores it
    neither in text nor in JSONB. The byte counts spare the walks for every
    body that cannot be deep or hold a NUL.
    """
    try:
        value = orjson.loads(body.removeprefix(_BOM))
    except orjson.JSONDecodeError as exc:
        return None, _unreadable(str(exc))
    if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        return value, ("too_deep", f"the body nests deeper than {MAX_JSON_DEPTH} levels", None)
    if b"\\u0000" in body:
        path = _nul_path(value)
        if path is not None:
            return value, ("nul_byte", "NUL characters are not allowed in text", path or None)
    return value, None


def _unreadable(text: str) -> Problem:
    """What orjson's refusal means for the caller."""
    if "UTF-8" in text or "surrogate" in text:
        return "invalid_utf8", "the body is not valid UTF-8 text", None
    if "depth" in text or "recursion" in text:
        return "too_deep", f"the body nests deeper than {MAX_JSON_DEPTH} levels", None
    return "malformed_body", f"the body is not valid JSON: {text}", None


def _nul_path(value: Any) -> str | None:
    """The dotted path of the first text holding a NUL ("" for the body itself), else None."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return path
                stack.append((child, f"{path}.{key}" if path else key))
        elif isinstance(item, list):
            stack.extend((child, f"{path}.{i}" if path else str(i)) for i, child in enumerate(item))
    return None


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest past `limit`, walked with a stack rather than recursion."""
    if not isinstance(value, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _nul_in_url(scope: Scope) -> tuple[int, str, str, str | None] | None:
    """The answer to a NUL in an API path or query, which PostgreSQL cannot even compare.

    No record's id holds a NUL, so such a path names nothing (404); a query
    value with one is an invalid field (422, naming it), as for any bad value.
    """
    path: str = scope["path"]
    if not path.startswith("/v1/"):
        return None
    if "\x00" in path:
        return 404, "not_found", "no such resource", None
    query: bytes = scope.get("query_string", b"")
    if b"%00" not in query and b"\x00" not in query:
        return None
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    field = next((k for k, v in pairs if "\x00" in k or "\x00" in v), None)
    return 422, "invalid_field", "NUL characters are not allowed in text", field


def _is_json(scope: Scope) -> bool:
    """The content types FastAPI parses as JSON: application/json and application/*+json.

    The plain `application/json` nearly every caller sends is taken without parsing the
    header, which cost about 7 us a request.
    """
    for name, value in scope["headers"]:
        if name == b"content-type":
            if value == b"application/json":
                return True
            message = email.message.Message()
            message["content-type"] = value.decode("latin-1")
            subtype = message.get_content_subtype()
            return message.get_content_maintype() == "application" and (
                subtype == "json" or subtype.endswith("+json")
            )
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _refuse(
    send: Send, status: int, code: str, message: str, field: str | None = None
) -> None:
    body = orjson.dumps(error_body(code, message, field))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """A token bucket per tenant, in this process: `rate` requests a second, bursts of one second.

    Each replica keeps its own buckets, so N replicas behind a balancer admit
    up to N times the rate in total.
    """

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, tenant_id: str) -> None:
        """Spend one token of the tenant's bucket, or raise RateLimited saying when one is back."""
        now = self.clock()
        bucket = self._buckets.get(tenant_id)
        if bucket is None:
            bucket = self._buckets[tenant_id] = _Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return
        raise RateLimited(max(1, math.ceil((1.0 - bucket.tokens) / self.rate)))
