"""The hot routes' handler: the body validated once, the caller solved directly, the result
serialized once.

FastAPI's own handler parses a JSON body a second time (BodySizeLimit has parsed it
already), solves the dependencies with its generic machinery and validates the returned
model against the response model before serializing it. HotRoute keeps each route's
declaration as it is, so the OpenAPI document and every answer stay the same, and only
answers it more directly: the body's value left by BodySizeLimit, validated by the route's
own body field (the same errors, so the same 422s), the caller from deps.caller_of (the
same order: the caller, and with it a 401 or 429, before the body's 422), the result
serialized by the route's own response field. A request whose body BodySizeLimit did not
parse (an empty one, another content type, a huge integer) goes to FastAPI's handler.

A hot route's endpoint takes its body, a CallerDep and, if it wants, the Request: nothing
else would be solved, so a HotRoute with any other signature is refused at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.api.deps import caller_of, get_caller
from app.api.limits import PARSED_BODY

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class HotRoute(APIRoute):
    """An APIRoute answered by `_handler` when BodySizeLimit parsed its body."""

    def get_route_handler(self) -> Handler:
        return _handler(self, super().get_route_handler())


def _handler(route: APIRoute, framework: Handler) -> Handler:
    body_field, response_field = route.body_field, route.response_field
    if body_field is None or response_field is None:
        raise TypeError(f"{route.name}: a hot route needs a body and a response model")
    call = route.dependant.call
    assert call is not None
    body_name, caller_name = body_field.name, _caller_name(route.name, route.dependant)
    request_name = route.dependant.request_param_name

    async def handle(request: Request) -> Response:
        if PARSED_BODY not in request.scope:
            return await framework(request)
        caller = await caller_of(request)
        value = request.scope[PARSED_BODY]
        body, errors = body_field.validate(value, loc=("body",))
        if errors:
            raise RequestValidationError(errors, body=value)
        arguments = {body_name: body, caller_name: caller}
        if request_name is not None:
            arguments[request_name] = request
        result = await call(**arguments)
        return Response(response_field.serialize_json(result), media_type="application/json")

    return handle


def _caller_name(route: str, dependant: Dependant) -> str:
    """The endpoint's CallerDep parameter, after checking that nothing else needs solving."""
    others = (
        dependant.path_params,
        dependant.query_params,
        dependant.header_params,
        dependant.cookie_params,
        dependant.http_connection_param_name,
        dependant.response_param_name,
        dependant.background_tasks_param_name,
        dependant.security_scopes_param_name,
    )
    solved = [(d.name, d.call) for d in dependant.dependencies]
    if any(others) or len(dependant.body_params) != 1 or len(solved) != 1:
        raise TypeError(f"{route}: a hot route takes its body, a CallerDep and the Request")
    name, call = solved[0]
    if call is not get_caller or name is None:
        raise TypeError(f"{route}: a hot route's one dependency is CallerDep")
    return name
