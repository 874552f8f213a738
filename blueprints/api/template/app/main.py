"""The FastAPI app: /health, one router per resource (app/routes/), docs at /docs, and the rejections' events.

Every rejected request under a resource's path records `request_failed{resource, status, reason}`; the reason
is `not_found`, `invalid` (the body or a parameter breaks a field's rules), `unknown_reference`, `duplicate_key`
or `method_not_allowed`. Sessions come from app/sessions.py.

The docs pages are served with no internet: FastAPI's default /docs and /redoc load Swagger UI and ReDoc from a
CDN, so they are replaced (FastAPI's "self-hosting JavaScript and CSS for docs" recipe) by pages whose scripts
and styles come from /static, i.e. from the files shipped in the fastapi-offline package.
"""

from __future__ import annotations

from html import escape
from importlib.resources import files

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import records
from app.routes import ROUTERS
from app.sessions import identify, track

#: Swagger UI (swagger-ui-bundle.js, swagger-ui.css), ReDoc (redoc.standalone.js) and favicon.png, installed
#: with the fastapi-offline dependency; served under STATIC_URL ("static" is a reserved resource plural).
DOCS_ASSETS = files("fastapi_offline") / "static"
STATIC_URL = "/static"
REASONS = {404: "not_found", 405: "method_not_allowed", 422: "invalid"}


def create_app() -> FastAPI:
    """A fresh app whose records are back to the samples (tests make one each)."""
    records.reset()
    data = records.load_data()
    tables = records.TABLES.values()
    app = FastAPI(
        title=data["project_name"],
        description=data.get("problem") or "",
        version="0.1.0",
        openapi_tags=[{"name": t.title, "description": t.description} for t in tables],
        generate_unique_id_function=lambda route: route.name,  # operation ids: list_shipments, get_shipment, …
        docs_url=None,  # replaced below by pages that need no CDN
        redoc_url=None,
    )
    add_offline_docs(app)
    app.middleware("http")(identify)
    by_plural = {t.plural: t for t in tables}

    def failed(request: Request, status: int, reason: str) -> None:
        table = by_plural.get(request.url.path.strip("/").split("/")[0])
        if table is not None:  # not under a resource (e.g. /favicon.ico): nothing a partner did with the data
            track("request_failed", resource=table.name, status=status, reason=reason)

    @app.exception_handler(records.Rejected)
    async def on_rejected(request: Request, error: records.Rejected) -> Response:
        failed(request, error.status, error.reason)
        return JSONResponse({"detail": error.detail, "reason": error.reason}, status_code=error.status)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, error: StarletteHTTPException) -> Response:
        failed(request, error.status_code, REASONS.get(error.status_code, "rejected"))
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, error: RequestValidationError) -> Response:
        failed(request, 422, "invalid")
        return await request_validation_exception_handler(request, error)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        return RedirectResponse("/docs")

    @app.get("/health", tags=["health"], summary="Is the API up?")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    for router in ROUTERS:
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
