"""The console's HTTP plumbing: who is signed in, CSRF on forms, HTML error pages, rendering.

Every console page answers HTML, including its errors: a person sees a page
that says what went wrong, never the API's JSON. The console's routes use
`ConsoleRoute`, which turns the store's errors and the console's own
(not signed in, a bad CSRF token) into such pages.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote

import jinja2
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from app import __version__
from app.api import auth
from app.api.deps import EngineDep, SettingsDep
from app.console import i18n, session
from app.store import tenants
from app.store.engine import transaction
from app.store.errors import Conflict, NotFound, StoreFailed, StoreUnavailable
from app.store.tenants import Tenant

log = logging.getLogger("leadgate.console")

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
STATIC_PATH = "/console/static"
MAX_FORM_FIELDS = 20
RETRY_AFTER_SECONDS = "2"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.PackageLoader("app.console", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


class SignInNeeded(Exception):
    """No session, an expired or forged one, or a key that no longer names a tenant."""

    def __init__(self, *, ended: bool) -> None:
        super().__init__("sign in")
        self.ended = ended
        """A session was there and is no more (expired, forged, its key revoked)."""


class CsrfRejected(Exception):
    """A form without the session's CSRF token."""


class BadForm(Exception):
    """A form field with a value the console does not offer."""


@dataclass(frozen=True, slots=True)
class Signed:
    """The person at the keyboard: their session and the tenant whose data they see."""

    session: session.Session
    tenant: Tenant

    @property
    def reviewer(self) -> str:
        return self.session.reviewer or ""


async def secret(request: Request, settings: SettingsDep) -> bytes:
    """LEADGATE_SECRET_KEY, else one random key per process (made once, with a warning)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value().encode()
    state = request.app.state
    if not hasattr(state, "console_secret"):
        log.warning(
            "LEADGATE_SECRET_KEY is not set: console sessions are signed with a random key of "
            "this process, so they end when it restarts and do not carry to other replicas"
        )
        state.console_secret = secrets.token_bytes(32)
    key: bytes = state.console_secret
    return key


SecretDep = Annotated[bytes, Depends(secret)]


async def current_session(request: Request, key: SecretDep) -> session.Session | None:
    return session.decode(request.cookies.get(session.COOKIE), key, time.time())


SessionDep = Annotated[session.Session | None, Depends(current_session)]


async def tenant_of(engine: EngineDep, key_hash: str) -> Tenant | None:
    async with transaction(engine) as conn:
        return await tenants.tenant_for_key(conn, key_hash)


async def signed_in(
    request: Request, settings: SettingsDep, engine: EngineDep, current: SessionDep
) -> Signed:
    """The signed-in person; with auth on, the key they signed in with must still be live."""
    if current is None:
        raise SignInNeeded(ended=session.COOKIE in request.cookies)
    if not current.signed_in:
        raise SignInNeeded(ended=False)
    if settings.auth == "off":
        return Signed(current, auth.DEFAULT_TENANT)
    if current.key_hash is None:
        raise SignInNeeded(ended=True)
    tenant = await tenant_of(engine, current.key_hash)
    if tenant is None or tenant.id != current.tenant_id:
        raise SignInNeeded(ended=True)
    return Signed(current, tenant)


SignedDep = Annotated[Signed, Depends(signed_in)]


async def read_form(request: Request) -> dict[str, str]:
    """A url-encoded form, first value of each field; anything else reads as an empty form."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return {}
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except ValueError:
        return {}
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def check_csrf(current: session.Session | None, form: Mapping[str, str]) -> session.Session:
    """The session whose token the form carries; CsrfRejected for any other form."""
    if current is None or not session.csrf_ok(current, form.get("csrf")):
        raise CsrfRejected
    return current


def set_session(request: Request, response: Response, value: session.Session, key: bytes) -> None:
    """The cookie: http-only, same-site, secure when the page came over https, console path only."""
    response.set_cookie(
        session.COOKIE,
        session.encode(value, key),
        max_age=int(session.LIFETIME.total_seconds()),
        path="/console",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        session.COOKIE,
        path="/console",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def language(request: Request) -> str:
    return i18n.choose(request.headers.get("accept-language"))


def static_url(name: str) -> str:
    """A static file's path, versioned so a new release is not served from a stale cache."""
    return f"{STATIC_PATH}/{quote(name)}?v={__version__}"


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any],
    *,
    status: int = 200,
    signed: Signed | None = None,
) -> Response:
    lang = language(request)
    response = templates.TemplateResponse(
        request,
        name,
        {
            **context,
            "lang": lang,
            "t": i18n.translator(lang),
            "static": static_url,
            "signed": signed,
        },
        status_code=status,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def redirect(target: str, **headers: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers.update(headers)
    return response


def error_page(request: Request, status: int, message_key: str, detail: str = "") -> Response:
    response = render(
        request,
        "error.html",
        {"status": status, "message_key": message_key, "detail": detail},
        status=status,
    )
    if status == 503:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def _sign_in_redirect(request: Request, ended: bool) -> Response:
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        back = "/console/reviews"
    return redirect(
        f"/console/signin?next={quote(back, safe='')}" + ("&expired=1" if ended else "")
    )


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class ConsoleRoute(APIRoute):
    """A console route: failures become HTML pages with the right status, never JSON."""

    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await original(request)
            except SignInNeeded as exc:
                return _sign_in_redirect(request, exc.ended)
            except CsrfRejected:
                return error_page(request, 403, "error_csrf")
            except RequestValidationError:
                return error_page(request, 400, "error_bad_form")
            except BadForm as exc:
                return error_page(request, 400, "error_bad_form", str(exc))
            except NotFound:
                return error_page(request, 404, "error_not_found")
            except Conflict as exc:
                return error_page(request, 409, "error_conflict", str(exc))
            except StoreUnavailable:
                return error_page(request, 503, "error_unavailable")
            except StoreFailed:
                log.exception("database refused a console request")
                return error_page(request, 503, "error_unavailable")

        return handle
