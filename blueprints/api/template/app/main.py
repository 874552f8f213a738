"""The FastAPI app: /health, one router per resource, docs at /docs, and a `request_failed` event per rejection."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

import analytics
from app.resources import Resource, build_router, load_config

#: Longest session or participant id kept from a request header.
MAX_ID_LENGTH = 128


def _header_id(request: Request, name: str) -> str | None:
    value = (request.headers.get(name) or "").strip()
    return value[:MAX_ID_LENGTH] or None


def create_app(config: dict[str, Any] | None = None) -> FastAPI:
    """A fresh app with freshly seeded stores (tests make one each)."""
    config = config or load_config()
    resources = [Resource.from_dict(r) for r in config["resources"]]
    app = FastAPI(
        title=config["project_name"],
        description=config.get("problem") or "",
        version="0.1.0",
        openapi_tags=[{"name": r.plural, "description": r.description} for r in resources],
    )
    by_plural = {r.plural: r for r in resources}

    @app.middleware("http")
    async def identify(request: Request, call_next: Any) -> Any:
        """Session id from X-Session-Id (else a new one per request), participant from X-Participant-Id."""
        request.state.session_id = _header_id(request, "x-session-id") or analytics.new_session_id()
        request.state.distinct_id = _header_id(request, "x-participant-id")
        response = await call_next(request)
        response.headers["X-Session-Id"] = request.state.session_id
        return response

    def track_failure(request: Request, status: int) -> None:
        resource = by_plural.get(request.url.path.strip("/").split("/")[0])
        if resource is None:
            return  # not an API resource (e.g. /favicon.ico): nothing a partner did with the data
        analytics.track(
            "request_failed",
            session_id=getattr(request.state, "session_id", None) or analytics.new_session_id(),
            distinct_id=getattr(request.state, "distinct_id", None),
            resource=resource.name,
            status=status,
            method=request.method,
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Any:
        track_failure(request, error.status_code)
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, error: RequestValidationError) -> Any:
        track_failure(request, 422)
        return await request_validation_exception_handler(request, error)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", tags=["health"], summary="Is the API up?")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.state.stores = {}
    for resource in resources:
        router = build_router(resource)
        app.state.stores[resource.plural] = router.store  # type: ignore[attr-defined]
        app.include_router(router)
    return app


app = create_app()
