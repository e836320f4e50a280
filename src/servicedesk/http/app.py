"""``create_app``: the desk as an ASGI application (Litestar), every command and query over HTTP.

- ``POST /commands/<Name>``: the body is the command as JSON, converted by
  ``servicedesk.convert`` (so the door's checks and typed errors are the
  library's own); an ``Idempotency-Key`` header is the command's idempotency key.
- ``GET /queries/<area>.<method>``: the desk's queries, their parameters as query parameters.
- ``GET /events?after=&limit=``: the event feed, a page at a time.
- ``GET /health``: open to anyone; ``GET /openapi.json``: the OpenAPI 3.1 document.

Who is calling is the embedding application's to say: ``actor_from_request``
turns a request into an ``Actor`` (or ``None``: nobody it vouches for). Without
it every route but ``/health`` and ``/openapi.json`` is refused.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Final

import anyio.to_thread
import orjson
from litestar import Litestar, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.handlers import HTTPRouteHandler

from servicedesk import convert
from servicedesk.app.command import Command
from servicedesk.app.desk import Desk
from servicedesk.app.feed.queries import FeedPage
from servicedesk.domain.errors import InvalidValue, PermissionDenied, ServiceDeskError
from servicedesk.domain.values import Actor
from servicedesk.http.openapi import openapi_document
from servicedesk.http.problems import PROBLEM_JSON, TITLES, document, problem
from servicedesk.http.routes import Query, commands, queries
from servicedesk.i18n import SOURCE_LOCALE, _
from servicedesk.i18n import locale as speaking

log = logging.getLogger("servicedesk.http")

#: What turns a request into the actor who sends it; ``None``: nobody the application vouches for.
ActorFromRequest = Callable[[Request[Any, Any, Any]], "Actor | Awaitable[Actor | None] | None"]
#: The languages a refusal is written in, by the ``Accept-Language`` tag that asks for them.
LANGUAGES: Final[dict[str, str]] = {"zh": "zh_CN", "en": SOURCE_LOCALE, "*": SOURCE_LOCALE}
#: The largest body a command may have: far above any form, far below what would hurt.
MAX_BODY = 1_000_000


def language(header: str | None) -> str:
    """The locale of the refusals: the one ``Accept-Language`` prefers of zh-CN and en."""
    best, chosen = 0.0, SOURCE_LOCALE
    for part in (header or "").split(","):
        tag, _sep, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                continue
        found = LANGUAGES.get(tag.strip().lower().split("-")[0])
        if found is not None and quality > best:
            best, chosen = quality, found
    return chosen


def _json(content: Any, status: int = 200, media_type: str = "application/json") -> Response[bytes]:
    return Response(orjson.dumps(content), status_code=status, media_type=media_type)


def _problem_response(status: int, body: dict[str, Any]) -> Response[bytes]:
    headers = {"Retry-After": "1"} if body.get("retryable") else None
    response = _json(body, status, PROBLEM_JSON)
    if headers:
        response.headers.update(headers)
    return response


def on_desk_error(_request: Request[Any, Any, Any], error: ServiceDeskError) -> Response[bytes]:
    return _problem_response(*problem(error))


def on_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[bytes]:
    """Litestar's own refusals (no such route, a wrong method) as problem documents too."""
    status = error.status_code if error.status_code in TITLES else 400
    code = {404: "http.not_found", 405: "http.method_not_allowed"}.get(status, "http.bad_request")
    with speaking(language(request.headers.get("accept-language"))):
        message = {
            404: _("There is no such route."),
            405: _("This route does not take that method."),
        }.get(status, _("The request is malformed."))
    report: dict[str, Any] = {
        "code": code,
        "category": "invalid",
        "message": message,
        "params": {},
        "field": None,
    }
    return _problem_response(status, document(status, report))


def on_failure(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    """Anything else is the server's fault: logged by class only (its text may quote a person)."""
    log.error("%s %s failed: %s", request.method, request.url.path, type(error).__name__)
    with speaking(language(request.headers.get("accept-language"))):
        message = _("The desk failed to answer; the failure is logged.")
    report = {"code": "http.failed", "category": "unavailable", "message": message}
    return _problem_response(500, document(500, {**report, "params": {}, "field": None}))


class Api:
    """The routes of one desk, and how each finds who is calling."""

    def __init__(self, desk: Desk, actor_from_request: ActorFromRequest | None) -> None:
        self.desk = desk
        self.actor_from_request = actor_from_request

    async def actor(self, request: Request[Any, Any, Any]) -> Actor:
        """The request's actor, or the refusal: nobody vouched for is refused (401)."""
        found: Any = None
        if self.actor_from_request is not None:
            found = self.actor_from_request(request)
            if inspect.isawaitable(found):
                found = await found
        if found is None:
            raise PermissionDenied(
                _("Nobody is named as the caller; the API acts for no anonymous caller."),
                code="http.unauthenticated",
            )
        if not isinstance(found, Actor):
            raise TypeError("actor_from_request must return an Actor or None")
        return found

    async def run(self, request: Request[Any, Any, Any], work: Callable[[Actor], Any]) -> Any:
        """``work(actor)`` in a worker thread (the desk blocks), speaking the request's language."""
        tongue = language(request.headers.get("accept-language"))
        with speaking(tongue):
            actor = await self.actor(request)
        return await anyio.to_thread.run_sync(partial(_speaking, tongue, work, actor))

    def command_route(self, name: str, cls: type[Command]) -> HTTPRouteHandler:
        async def handle(request: Request[Any, Any, Any]) -> Response[bytes]:
            body = await request.body()
            key = request.headers.get("idempotency-key")

            def work(actor: Actor) -> Any:
                command = convert.structure(_body(body), cls)
                outcome = self.desk.handle(command, actor=actor, idempotency_key=key)
                events = [convert.unstructure(e) for e in outcome.events]
                return {"id": outcome.id, "events": events}

            return _json(await self.run(request, work))

        return post(f"/commands/{name}", name=f"command:{name}", include_in_schema=False)(handle)

    def query_route(self, query: Query) -> HTTPRouteHandler:
        async def handle(request: Request[Any, Any, Any]) -> Response[bytes]:
            given = request.query_params

            def work(actor: Actor) -> Any:
                unknown = sorted(set(given) - {p.name for p in query.parameters})
                if unknown:
                    raise InvalidValue(
                        _("The query takes no parameter {field}."),
                        field=unknown[0],
                        code="http.unknown_parameter",
                    )
                values: dict[str, Any] = {}
                for parameter in query.parameters:
                    text = given.get(parameter.name)
                    if text is not None:
                        values[parameter.name] = parameter.parse(text)
                    elif parameter.required:
                        raise InvalidValue(
                            _("The query parameter {field} is required."),
                            field=parameter.name,
                            code="http.missing_parameter",
                        )
                return convert.unstructure(query.method(**values, actor=actor))

            return _json(await self.run(request, work))

        return get(f"/queries/{query.name}", name=f"query:{query.name}", include_in_schema=False)(
            handle
        )

    def events_route(self) -> HTTPRouteHandler:
        async def events(request: Request[Any, Any, Any]) -> Response[bytes]:
            after = request.query_params.get("after") or None
            limit_text = request.query_params.get("limit", "100")

            def work(actor: Actor) -> Any:
                if actor.is_requester:  # the feed is everybody's events, personal data included
                    raise PermissionDenied(
                        _("{actor} is a requester; the event feed is for the desk's staff."),
                        code="http.feed_for_staff",
                        actor=actor.id,
                    )
                try:
                    limit = int(limit_text)
                except ValueError:
                    raise InvalidValue(
                        _("The query parameter {field} is not a valid value."),
                        field="limit",
                        code="http.invalid_parameter",
                    ) from None
                return feed_page(self.desk.events.after(after, limit, actor=actor))

            return _json(await self.run(request, work))

        return get("/events", name="events", include_in_schema=False)(events)


def _speaking(tongue: str, work: Callable[[Actor], Any], actor: Actor) -> Any:
    with speaking(tongue):
        return work(actor)


def _body(body: bytes) -> Any:
    if len(body) > MAX_BODY:
        raise InvalidValue(
            _("The body is longer than {n} bytes."), code="http.body_too_long", n=MAX_BODY
        )
    try:
        return orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        raise InvalidValue(_("The body is not JSON."), code="http.not_json") from None


def feed_page(page: FeedPage) -> dict[str, Any]:
    """A page of the feed as JSON: each event with its position, and where to ask from next."""
    return {
        "events": [
            {"position": str(e.position), "event": convert.unstructure(e.event)}
            for e in page.events
        ],
        "after": page.token,
    }


def create_app(
    desk_or_store_url: Desk | str,
    *,
    actor_from_request: ActorFromRequest | None = None,
    debug: bool = False,
) -> Litestar:
    """The desk (or a desk on the store at the URL) as an ASGI application.

    ``actor_from_request(request)`` returns the ``Actor`` the embedding
    application authenticated (staff with their roles, or ``Actor.requester``
    with the records he acts for), ``None`` for nobody, or an awaitable of
    either; it may raise ``PermissionDenied`` to refuse with 403.
    """
    desk = _desk(desk_or_store_url)
    api = Api(desk, actor_from_request)
    routes: list[HTTPRouteHandler] = [
        *(api.command_route(name, cls) for name, cls in commands(desk).items()),
        *(api.query_route(query) for query in queries(desk).values()),
        api.events_route(),
    ]
    described = openapi_document(desk)

    @get("/health", include_in_schema=False)
    async def health() -> Response[bytes]:
        return _json({"status": "ok"})

    @get("/openapi.json", include_in_schema=False)
    async def openapi() -> Response[bytes]:
        return _json(described, media_type="application/vnd.oai.openapi+json")

    return Litestar(
        route_handlers=[*routes, health, openapi],
        exception_handlers={
            ServiceDeskError: on_desk_error,
            HTTPException: on_http_error,
            Exception: on_failure,
        },
        openapi_config=None,
        debug=debug,
    )


def _desk(target: Desk | str) -> Desk:
    if isinstance(target, Desk):
        return target
    from servicedesk.adapters.sql import SqlStore

    return Desk(SqlStore(target))
