"""`python -m app` starts every prototype through launch.py: settings first, local address, $PORT."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import launch


def test_streamlit_listens_locally_on_the_given_port() -> None:
    argv = launch.streamlit_command(Path("app/main.py"), "8765")
    assert argv[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert "--server.address=127.0.0.1" in argv and "--server.port=8765" in argv
    assert "--browser.gatherUsageStats=false" in argv


@pytest.mark.parametrize(
    "serve", [lambda: launch.serve_api("app.main:app"), lambda: launch.serve_streamlit(Path("x.py"))]
)
def test_a_wrong_sink_stops_the_start_with_one_line(serve, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ANALYTICS_SINKS", "carrier-pigeon")
    with pytest.raises(SystemExit) as stopped:
        serve()
    assert str(stopped.value.code).startswith("error: ") and "carrier-pigeon" in str(stopped.value.code)
    assert capsys.readouterr().out == ""  # nothing was started
