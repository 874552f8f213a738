"""Shared test helpers: every test records its analytics into a temporary store, never into .analytics/."""

from __future__ import annotations

from pathlib import Path

import pytest

import analytics


class EventCollector:
    """The events recorded during one test, read back from the temporary store."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def all(self) -> list[dict]:
        return analytics.read_events(self.path)

    def names(self) -> list[str]:
        return [e["event"] for e in self.all()]

    def named(self, name: str) -> list[dict]:
        return [e for e in self.all() if e["event"] == name]

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _isolated_analytics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the analytics store at a temporary JSONL file with the default settings."""
    path = tmp_path / "analytics" / "events.jsonl"
    monkeypatch.setenv("ANALYTICS_PATH", str(path))
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl")
    monkeypatch.delenv("ANALYTICS_RECORD_TEXT", raising=False)
    for name in ("ANALYTICS_MIN_SAMPLE", "ANALYTICS_TEAM", *analytics.SETTINGS[2:]):  # sink endpoints and keys
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(analytics, "_active", ((), []))  # sinks made afresh for this test's settings
    monkeypatch.setattr(analytics, "_exposed", set())
    monkeypatch.setattr(analytics, "EXPERIMENT", None)  # tests assert the app's own events; exposure has its own test
    return path


@pytest.fixture
def events(_isolated_analytics: Path) -> EventCollector:
    """What the code under test tracked: `.all()`, `.names()`, `.named(name)`."""
    return EventCollector(_isolated_analytics)
