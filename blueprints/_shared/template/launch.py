"""How every prototype starts (`python -m app`, which `make run` calls): settings checked first, local only.

Each blueprint's `app/__main__.py` calls one of these, so the rules live in one place: fail on a wrong
ANALYTICS_SINKS before anyone clicks, listen on 127.0.0.1 and $PORT, and say where to open it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import analytics

ROOT = Path(__file__).resolve().parent


def _check_analytics() -> None:
    try:
        analytics.check_config()
    except analytics.AnalyticsConfigError as error:
        sys.exit(f"error: {error}")


def serve_api(app: str, default_port: int = 8000) -> None:
    """Serve an ASGI app ("module:attribute") with uvicorn on $HOST (default 127.0.0.1) and $PORT."""
    import uvicorn

    _check_analytics()
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", default_port))
    print(f"API docs: http://{host}:{port}/docs  (Ctrl+C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port)


def streamlit_command(script: Path, port: str) -> list[str]:
    """The streamlit command line: headless, local only, no usage statistics (prototypes often run offline)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
    ]


def serve_streamlit(script: Path, default_port: int = 8501) -> None:
    """Run a Streamlit script with the repo root on PYTHONPATH, so it can `import analytics` uninstalled."""
    _check_analytics()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    port = env.get("PORT", str(default_port))
    argv = streamlit_command(script, port)
    print(f"Opening on http://127.0.0.1:{port} (Ctrl+C to stop)", flush=True)
    if os.name == "posix":
        os.execve(sys.executable, argv, env)  # same process id: stopping it stops the server
    sys.exit(subprocess.call(argv, env=env))
