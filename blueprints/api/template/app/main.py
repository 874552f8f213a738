"""The FastAPI app: /health, one router per resource, docs at /docs, and a `request_failed` event per rejection.

The docs pages are served with no internet: FastAPI's default /docs and /redoc load Swagger UI and ReDoc from a
CDN, so they are replaced (FastAPI's "self-hosting JavaScript and CSS for docs" recipe) by pages whose scripts
and styles come from /static, i.e. from the files shipped in the fastapi-offline package.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import analytics
from app.resources import Resource, build_router, load_config

#: Longest session or participant id kept from a request header.
MAX_ID_LENGTH = 128
#: Swagger UI (swagger-ui-bundle.js, swagger-ui.css), ReDoc (redoc.standalone.js) and favicon.png, installed
#: with the fastapi-offline dependency; served under STATIC_URL ("static" is a reserved resource plural).
DOCS_ASSETS = files("fastapi_offline") / "static"
STATIC_URL = "/static"


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
        docs_url=None,  # replaced below by pages that need no CDN
        redoc_url=None,
    )
    add_offline_docs(app)
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


def add_offline_docs(app: FastAPI) -> None:
    """/docs (Swagger UI, with its OAuth2 redirect page) and /redoc, loading their assets from this server."""
    app.mount(STATIC_URL, StaticFiles(directory=str(DOCS_ASSETS)), name="static")
    title = escape(app.title)  # FastAPI puts the title into <title> as is; the project name is answer text
    openapi_url = app.openapi_url or "/openapi.json"
    oauth2_redirect_url = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{title} - Swagger UI",
            oauth2_redirect_url=root + oauth2_redirect_url,
            swagger_js_url=f"{root}{STATIC_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{STATIC_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{STATIC_URL}/favicon.png",
        )

    @app.get(oauth2_redirect_url, include_in_schema=False)
    def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{title} - ReDoc",
            redoc_js_url=f"{root}{STATIC_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{STATIC_URL}/favicon.png",
            with_google_fonts=False,
        )


app = create_app()
