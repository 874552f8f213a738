"""`make screenshot`: a PNG of a generated prototype's first screen, or one line on what to install."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

BROWSER = Path("/usr/bin/chromium")


def _render(cli, plan: str, out: Path) -> Path:
    made = cli("--plan", str(FIXTURES / f"plan_{plan}.json"), "--out", str(out))
    assert made.exit_code == 0, made.stderr
    return out


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "ANALYTICS_", "SCAFFOLD_"))}


@pytest.mark.parametrize("plan", ["streamlit", "api"])
def test_screenshot_writes_a_png_of_the_first_screen(cli, tmp_path: Path, plan: str) -> None:
    if os.environ.get("SCAFFOLD_NO_BROWSER") or not BROWSER.exists():
        pytest.skip("needs Debian's chromium (.ci/run installs it); SCAFFOLD_NO_BROWSER set")
    repo = _render(cli, plan, tmp_path / plan)
    env = _env() | {"CHROMIUM_PATH": str(BROWSER)}
    done = subprocess.run(
        [sys.executable, "screenshot.py"], cwd=repo, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    png = (repo / "screenshot.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1280 and height >= 400
    assert len(png) > 20_000  # a drawn page, not a blank one
    assert "screenshot.png" in (repo / ".gitignore").read_text()


def test_screenshot_without_playwright_says_what_to_install(cli, tmp_path: Path) -> None:
    repo = _render(cli, "streamlit", tmp_path / "proto")
    blocked = (
        "import runpy, sys; sys.modules['playwright'] = None; runpy.run_path('screenshot.py', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked], cwd=repo, env=_env(), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert "pip install -e '.[screenshot]'" in done.stderr
    assert not (repo / "screenshot.png").exists()
