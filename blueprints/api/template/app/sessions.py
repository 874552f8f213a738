"""Who is calling: every request belongs to a session, so the metrics can follow one client from call to call.

The session id is the `X-Session-Id` header when the client sends one. Otherwise it is the `session` cookie this
API hands out on first contact, so a browser (Swagger UI at /docs included) or any HTTP client that keeps
cookies has its requests grouped into one session without sending a header. The cookie lapses after
SESSION_IDLE_SECONDS without a request, so a client that comes back later starts a new session.
`X-Participant-Id` names who is calling (a pilot participant's id); it becomes the events' `distinct_id`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from fastapi import Request, Response

import analytics

COOKIE = "session"
SESSION_IDLE_SECONDS = 30 * 60
#: Longest session or participant id kept from a header or cookie.
MAX_ID_LENGTH = 128

#: (session id, participant id) of the request being handled.
_caller: ContextVar[tuple[str, str | None]] = ContextVar("caller")


def _given(value: str | None) -> str | None:
    value = (value or "").strip()
    return value[:MAX_ID_LENGTH] or None


async def identify(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """HTTP middleware: find or hand out the session, remember the caller for `track`, answer with the session."""
    header = _given(request.headers.get("x-session-id"))
    session = header or _given(request.cookies.get(COOKIE)) or analytics.new_session_id()
    request.state.session_id = session
    request.state.participant = _given(request.headers.get("x-participant-id"))
    _caller.set((session, request.state.participant))
    response = await call_next(request)
    response.headers["X-Session-Id"] = session
    if header is None:  # (re)set on every answer, so the cookie lapses only after SESSION_IDLE_SECONDS idle
        response.set_cookie(COOKIE, session, max_age=SESSION_IDLE_SECONDS, httponly=True, samesite="lax")
    return response


def caller() -> tuple[str, str | None]:
    """(session id, participant id) of the request being handled; a fresh session outside a request."""
    return _caller.get(None) or (analytics.new_session_id(), None)


def track(event: str, **properties: Any) -> None:
    """Record `event` for the current caller (see the module docstring for how requests find their session)."""
    session, participant = caller()
    analytics.track(event, session_id=session, distinct_id=participant, **properties)
