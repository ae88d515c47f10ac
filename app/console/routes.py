"""/console: the review console's pages. Each handler reads its input, calls one flow, renders.

Decisions go through `records_flows.resolve_review` (what `POST /v1/reviews/{id}`
runs) with the signed-in reviewer's name; undo through `records_flows.unmerge`;
a record's history through `flows.history`; groups through `records_flows.group`.
"""

from __future__ import annotations

import time
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.staticfiles import StaticFiles

from app.api import auth, flows, records_flows, report_flows
from app.api.deps import EngineDep, ReportEngineDep, SettingsDep
from app.api.schemas.report import ReportResult
from app.console import charts, i18n, reads, views, web
from app.console import session as sessions
from app.store import tenants
from app.store.errors import NotFound
from app.store.records import StoredLead
from app.store.review_queue import QueueFilter
from app.store.reviews import Verdict

router = APIRouter(prefix="/console", include_in_schema=False, route_class=web.ConsoleRoute)

PAGE_SIZE = 20
MAX_PAGES = 100_000
MAX_NAME = 200
QUEUE = "/console/reviews"
AGES: dict[str, tuple[timedelta | None, timedelta | None]] = {
    "day": (None, timedelta(days=1)),
    "week": (None, timedelta(days=7)),
    "older_week": (timedelta(days=7), None),
    "older_month": (timedelta(days=30), None),
}
REPORT_DAYS = 30
MAX_REPORT_DAYS = 366
Text = Annotated[str | None, Query()]
VERDICTS: dict[str, Verdict] = {"same": "same", "different": "different"}
STATIC_PATH = web.STATIC_PATH


def static_files() -> StaticFiles:
    """The console's CSS and script, served from the package (no CDN, no build step)."""
    return StaticFiles(directory=web.STATIC_DIR)


@router.get("", name="console_home")
async def home() -> Response:
    return web.redirect(QUEUE)


@router.get("/signin", name="console_sign_in_form")
async def sign_in_form(
    *,
    request: Request,
    settings: SettingsDep,
    key: web.SecretDep,
    current: web.SessionDep,
    back: Annotated[str | None, Query(alias="next")] = None,
    expired: Text = None,
) -> Response:
    fresh = current or sessions.new_session(time.time())
    response = _sign_in_page(request, settings.auth == "on", fresh, back, expired=bool(expired))
    if current is None:
        web.set_session(request, response, fresh, key)
    return response


def _sign_in_page(
    request: Request,
    auth_on: bool,
    current: sessions.Session,
    back: str | None,
    *,
    expired: bool,
    error: str | None = None,
    name: str = "",
) -> Response:
    return web.render(
        request,
        "signin.html",
        {
            "auth_on": auth_on,
            "csrf": current.csrf,
            "next": views.safe_back(back, QUEUE),
            "error": error,
            "name": name,
            "expired": expired,
        },
        status=401 if error else 200,
    )


def _clean_name(raw: str) -> str | None:
    """The reviewer's name as typed, trimmed; None when empty, too long or holding controls."""
    name = " ".join(raw.split())
    if not name or len(name) > MAX_NAME:
        return None
    if any(unicodedata.category(c).startswith("C") for c in name):
        return None
    return name


@router.post("/signin", name="console_sign_in")
async def sign_in(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    key: web.SecretDep,
    current: web.SessionDep,
) -> Response:
    form = await web.read_form(request)
    current = web.check_csrf(current, form)
    auth_on = settings.auth == "on"
    name = _clean_name(form.get("name", ""))
    back = form.get("next")
    if name is None:
        return _sign_in_page(
            request, auth_on, current, back, expired=False, error="signin_bad_name"
        )
    tenant, key_hash = auth.DEFAULT_TENANT, None
    if auth_on:
        key_hash = tenants.hash_key(form.get("api_key", "").strip())
        found = await web.tenant_of(engine, key_hash)
        if found is None:
            return _sign_in_page(
                request, auth_on, current, back, expired=False, error="signin_bad_key", name=name
            )
        tenant = found
    response = web.redirect(views.safe_back(back, QUEUE))
    web.set_session(
        request, response, sessions.signed_in(time.time(), tenant.id, name, key_hash), key
    )
    return response


@router.post("/signout", name="console_sign_out")
async def sign_out(request: Request, current: web.SessionDep) -> Response:
    web.check_csrf(current, await web.read_form(request))
    response = web.redirect("/console/signin")
    web.clear_session(request, response)
    return response


def _queue_filter(source: str | None, rule: str | None, age: str | None) -> QueueFilter:
    older, newer = AGES.get(age or "", (None, None))
    return QueueFilter(source=source or None, rule=rule or None, older_than=older, newer_than=newer)


def _number(raw: str | None, default: int, most: int) -> int:
    """A positive whole number from the query, at most `most`; anything else is the default."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) <= most else default


@router.get("/reviews", name="console_queue")
async def queue(
    *,
    request: Request,
    signed: web.SignedDep,
    engine: EngineDep,
    source: Text = None,
    rule: Text = None,
    age: Text = None,
    page: Text = None,
    done: Text = None,
    undone: Text = None,
) -> Response:
    now = datetime.now(UTC)
    number = _number(page, 1, MAX_PAGES)
    wanted = _queue_filter(source, rule, age)
    found = await reads.queue(
        engine, signed.tenant.id, wanted, now, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
    )
    here = views.with_query(request.url.path + "?" + request.url.query, done=None, undone=None)
    cards = [
        card
        for entry in found.entries
        if (card := views.review_card(entry.review, lead_is_newer=entry.lead_is_newer, now=now))
    ]
    pages = max(1, -(-found.total // PAGE_SIZE))
    return web.render(
        request,
        "queue.html",
        {
            "cards": cards,
            "total": found.total,
            "facets": found.facets,
            "wanted": {"source": source or "", "rule": rule or "", "age": age or ""},
            "ages": list(AGES),
            "page": number,
            "pages": pages,
            "here": here,
            "previous": views.with_query(here, page=str(number - 1)) if number > 1 else None,
            "next": views.with_query(here, page=str(number + 1)) if number < pages else None,
            "done": await _done(engine, signed, done),
            "undone": bool(undone),
        },
        signed=signed,
    )


async def _done(
    engine: EngineDep, signed: web.Signed, review_id: str | None
) -> dict[str, object] | None:
    """The review just settled, for the note above the queue, and whether its merge can be undone.

    Only a merge that still stands offers undo: one undone since, or folded further, does not.
    """
    if not review_id:
        return None
    found = await reads.review(engine, signed.tenant.id, review_id)
    if found is None or found.status == "open":
        return None
    can_undo = False
    if found.status == "same":
        merged = await _by_id(engine, signed.tenant.id, found.lead_id)
        can_undo = bool(merged) and merged[0].merged_into == found.candidate_id
    return {"review": found, "can_undo": can_undo}


@router.post("/reviews/{review_id}", name="console_resolve")
async def resolve(
    request: Request, review_id: str, signed: web.SignedDep, engine: EngineDep
) -> Response:
    form = await web.read_form(request)
    web.check_csrf(signed.session, form)
    verdict = VERDICTS.get(form.get("verdict", ""))
    if verdict is None:
        raise web.BadForm(f"verdict {form.get('verdict')!r}")
    await records_flows.resolve_review(
        engine, signed.tenant.id, review_id, verdict, signed.reviewer
    )
    back = views.with_query(views.safe_back(form.get("back"), QUEUE), done=review_id)
    focus = form.get("focus", "")
    return web.redirect(back + (f"#r-{focus}" if focus.replace("-", "").isalnum() else ""))


@router.post("/leads/{lead_id}/unmerge", name="console_unmerge")
async def unmerge(
    request: Request, lead_id: str, signed: web.SignedDep, engine: EngineDep
) -> Response:
    form = await web.read_form(request)
    web.check_csrf(signed.session, form)
    await records_flows.unmerge(engine, signed.tenant.id, lead_id, by=signed.session.reviewer)
    back = views.safe_back(form.get("back"), f"/console/leads/{lead_id}")
    return web.redirect(views.with_query(back, done=None, undone=lead_id))


@router.get("/leads/{lead_id}", name="console_lead")
async def lead(
    request: Request,
    lead_id: str,
    signed: web.SignedDep,
    engine: EngineDep,
    undone: Text = None,
) -> Response:
    record = await flows.get(engine, signed.tenant.id, lead_id)
    history = await flows.history(engine, signed.tenant.id, lead_id)
    involved = await reads.reviews_of(engine, signed.tenant.id, lead_id)
    return web.render(
        request,
        "lead.html",
        {
            "record": record,
            "rows": views.record_rows(record.normalized),
            "history": views.history_rows(history),
            "reviews": involved,
            "undone": bool(undone),
            "here": request.url.path,
        },
        signed=signed,
    )


@router.get("/groups/{group_id}", name="console_group")
async def group(
    request: Request, group_id: str, signed: web.SignedDep, engine: EngineDep
) -> Response:
    found = await records_flows.group(engine, signed.tenant.id, group_id)
    return web.render(
        request,
        "group.html",
        {"group": found, "show": views.show},
        signed=signed,
    )


@router.get("/find", name="console_find")
async def find(
    request: Request, signed: web.SignedDep, engine: EngineDep, q: Text = None
) -> Response:
    """A record by its id, else by the CRM's external id (one hit opens it)."""
    wanted = (q or "").strip()
    if not wanted:
        return web.redirect(QUEUE)
    found = await flows.find(engine, signed.tenant.id, wanted)
    if not found and len(wanted) <= 36:
        found = await _by_id(engine, signed.tenant.id, wanted)
    if len(found) == 1:
        return web.redirect(f"/console/leads/{found[0].id}")
    return web.render(
        request, "find.html", {"q": wanted, "found": found, "show": views.show}, signed=signed
    )


async def _by_id(engine: EngineDep, tenant_id: str, lead_id: str) -> list[StoredLead]:
    try:
        return [await flows.get(engine, tenant_id, lead_id)]
    except NotFound:
        return []


@router.get("/report", name="console_report")
async def report(
    request: Request, signed: web.SignedDep, engine: ReportEngineDep, days: Text = None
) -> Response:
    """The figures of `GET /v1/report` (same flow, same shaping), drawn."""
    span = _number(days, REPORT_DAYS, MAX_REPORT_DAYS)
    today = datetime.now(UTC).date()
    since = today - timedelta(days=span - 1)
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    await request.app.state.check_tally.settled(engine)
    figures = ReportResult.from_store(
        await report_flows.report(engine, signed.tenant.id, start),
        since,
        await report_flows.checks(engine, signed.tenant.id, start),
    )
    return web.render(
        request,
        "report.html",
        {"figures": figures, "days": span, **_drawn(figures, since, today, web.language(request))},
        signed=signed,
    )


def _drawn(figures: ReportResult, since: date, today: date, lang: str) -> dict[str, object]:
    """The report's charts: rates as rings, fields and issues as bars, intake as columns."""
    t = i18n.translator(lang)
    return {
        "valid": charts.ring(figures.valid_rate),
        "duplicates": charts.ring(figures.duplicate_rate),
        "completeness": charts.bars(
            [
                (t(f"f_{field}"), rate or 0.0, _percent(rate), "good")
                for field, rate in figures.completeness.items()
            ],
            scale=1.0,
        ),
        "issues": charts.bars(
            [(i.code, float(i.records), str(i.records), i.severity) for i in figures.issues],
            scale=float(max((i.records for i in figures.issues), default=0)),
        ),
        "intake": charts.columns(
            [(d.day, d.source, d.records) for d in figures.by_source_per_day],
            since,
            today,
            unnamed=t("source_none"),
            other=t("source_other"),
        ),
    }


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"
