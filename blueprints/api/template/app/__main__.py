"""`python -m app` (what `make run` calls): serve the API on 127.0.0.1, port $PORT (default 8000)."""

from __future__ import annotations

import os
import sys

import uvicorn

import analytics


def main() -> None:
    try:
        analytics.check_config()  # a wrong ANALYTICS_SINKS fails now, not on the first request
    except analytics.AnalyticsConfigError as error:
        sys.exit(f"error: {error}")
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    print(f"API docs: http://{host}:{port}/docs  (Ctrl+C to stop)", flush=True)
    uvicorn.run("app.main:app", host=host, port=port)


if __name__ == "__main__":
    main()
