"""The console's session cookie and CSRF token: signed, expiring, kept by the browser.

The cookie holds who signed in (tenant id, the SHA-256 of the API key they
typed, never the key itself, and the reviewer's name), a random CSRF token and
when it was issued, signed with HMAC-SHA256 under the service's secret key.
Nothing is kept on the server, so any replica with the same secret reads it.
The expiry is checked from the signed issue time, whatever the browser does
with the cookie's own Max-Age. Pure: the caller passes the secret and the time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import timedelta

COOKIE = "leadgate_console"
LIFETIME = timedelta(hours=8)
_CONTEXT = b"leadgate console session v1\x00"
_MAX_COOKIE = 4096
CLOCK_SKEW_SECONDS = 60
"""Replicas' clocks may differ a little: a cookie issued "in the future" by this much is fine."""


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    issued_at: int
    """Unix seconds."""
    tenant_id: str | None = None
    key_hash: str | None = None
    """SHA-256 of the API key signed in with; None when the service runs with auth off."""
    reviewer: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.tenant_id is not None and self.reviewer is not None


def new_session(now: float) -> Session:
    """A session that only carries a CSRF token: what the sign-in form is protected with."""
    return Session(csrf=secrets.token_urlsafe(32), issued_at=int(now))


def signed_in(now: float, tenant_id: str, reviewer: str, key_hash: str | None = None) -> Session:
    """A fresh session for a person who just signed in: a new CSRF token, a new issue time."""
    return replace(new_session(now), tenant_id=tenant_id, reviewer=reviewer, key_hash=key_hash)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: bytes, payload: str) -> str:
    return _b64(hmac.new(secret, _CONTEXT + payload.encode("ascii"), hashlib.sha256).digest())


def encode(session: Session, secret: bytes) -> str:
    payload = _b64(json.dumps(asdict(session), separators=(",", ":")).encode())
    return f"{payload}.{_mac(secret, payload)}"


def decode(
    value: str | None, secret: bytes, now: float, lifetime: timedelta = LIFETIME
) -> Session | None:
    """The session, or None when the cookie is missing, forged, malformed or expired."""
    if not value or len(value) > _MAX_COOKIE or not value.isascii() or value.count(".") != 1:
        return None
    payload, mac = value.split(".")
    if not hmac.compare_digest(mac.encode(), _mac(secret, payload).encode()):
        return None
    try:
        data = json.loads(_unb64(payload))
        session = Session(**data)
    except (ValueError, TypeError, binascii.Error):
        return None
    age = now - session.issued_at
    if not -CLOCK_SKEW_SECONDS <= age <= lifetime.total_seconds():
        return None
    return session


def csrf_ok(session: Session | None, token: str | None) -> bool:
    """The form's token is the session's own (constant-time)."""
    if session is None or not token:
        return False
    return hmac.compare_digest(session.csrf.encode(), token.encode())
