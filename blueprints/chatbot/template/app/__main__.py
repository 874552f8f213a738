"""`python -m app`: start `streamlit run app/main.py` headless on 127.0.0.1 (port from PORT, default 8501).

The repo root goes on PYTHONPATH so the script can `import analytics` without installing the project.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import analytics

ROOT = Path(__file__).resolve().parents[1]


def command(port: str) -> list[str]:
    """The streamlit command line: headless, local only, no usage statistics (prototypes often run offline)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "app" / "main.py"),
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
    ]


def main() -> None:
    try:
        analytics.check_config()  # a wrong ANALYTICS_SINKS fails now, not on the first click
    except analytics.AnalyticsConfigError as error:
        sys.exit(f"error: {error}")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    argv = command(env.get("PORT", "8501"))
    print(f"Opening on http://127.0.0.1:{env.get('PORT', '8501')} (Ctrl+C to stop)", flush=True)
    if os.name == "posix":
        os.execve(sys.executable, argv, env)  # same process id: stopping it stops the server
    sys.exit(subprocess.call(argv, env=env))


if __name__ == "__main__":
    main()
