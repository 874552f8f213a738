"""The analytics module: local sinks, the environment switch, optional sinks chosen only when named, no free text."""

from __future__ import annotations

import datetime
import json
import sqlite3
import sys
import threading
import types

import pytest

import analytics


def test_jsonl_is_the_default_sink(events) -> None:
    event = analytics.track("something_happened", session_id="s1", distinct_id="p1", size=3)
    assert events.all() == [event]
    assert event["event"] == "something_happened"
    assert (event["session_id"], event["distinct_id"], event["properties"]) == ("s1", "p1", {"size": 3})
    assert event["timestamp"].endswith("Z") and len(event["event_id"]) == 32
    assert event["source"] == analytics.SOURCE
    line = events.path.read_text(encoding="utf-8").splitlines()[0]
    assert json.loads(line) == event


def test_sqlite_sink(tmp_path, monkeypatch) -> None:
    path = tmp_path / "events.db"
    monkeypatch.setenv("ANALYTICS_SINKS", "sqlite")
    monkeypatch.setenv("ANALYTICS_PATH", str(path))
    first = analytics.track("a", session_id="s", flag=True)
    second = analytics.track("b", session_id="s")
    assert analytics.read_events() == [first, second]
    assert analytics.read_events(path) == [first, second]
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT event FROM events ORDER BY rowid").fetchall() == [("a",), ("b",)]


def test_both_local_sinks_get_every_event(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl, sqlite")
    monkeypatch.setenv("ANALYTICS_PATH", str(tmp_path / "store"))
    event = analytics.track("a")
    assert analytics.read_events(tmp_path / "store.jsonl") == [event]
    assert analytics.read_events(tmp_path / "store.db") == [event]


def test_none_records_nothing(events, monkeypatch) -> None:
    monkeypatch.setenv("ANALYTICS_SINKS", "none")
    analytics.track("a")
    assert events.all() == []


@pytest.mark.parametrize("value", ["jsonl,kafka", "csv", "none,jsonl"])
def test_a_bad_sink_setting_is_a_clear_error(events, monkeypatch, value) -> None:
    monkeypatch.setenv("ANALYTICS_SINKS", value)
    with pytest.raises(analytics.AnalyticsConfigError, match="ANALYTICS_SINKS"):
        analytics.track("a")
    assert events.all() == []


def test_free_text_is_dropped_unless_allowed(events, monkeypatch) -> None:
    analytics.track("said", text="my card number is 1234", message="hi", content="x", length=22)
    assert events.all()[0]["properties"] == {"length": 22}
    monkeypatch.setenv("ANALYTICS_RECORD_TEXT", "1")
    analytics.track("said", text="hello")
    assert events.all()[1]["properties"] == {"text": "hello"}


def test_optional_sinks_are_not_imported_unless_named(events) -> None:
    before = set(sys.modules)
    analytics.track("a")
    assert not {m for m in set(sys.modules) - before if m.startswith(("posthog", "opentelemetry"))}


@pytest.mark.parametrize(("sink", "module"), [("posthog", "posthog"), ("otel", "opentelemetry")])
def test_an_optional_sink_without_its_package_is_a_clear_error(events, monkeypatch, sink, module) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail, installed or not
    monkeypatch.setattr(analytics, "_clients", {})
    monkeypatch.setenv("ANALYTICS_SINKS", f"jsonl,{sink}")
    monkeypatch.setenv("POSTHOG_API_KEY", "phc_test")
    with pytest.raises(analytics.AnalyticsConfigError, match=rf"pip install -e '\.\[{sink}\]'"):
        analytics.track("a")


def _fake_posthog(monkeypatch: pytest.MonkeyPatch, fail: bool = False) -> list[dict]:
    captured: list[dict] = []

    class Posthog:
        def __init__(self, api_key: str, host: str) -> None:
            self.api_key = api_key

        def capture(self, **kwargs) -> None:
            if fail:
                raise ConnectionError("no network")
            captured.append(dict(kwargs, api_key=self.api_key))

        def shutdown(self) -> None:
            pass

    monkeypatch.setitem(sys.modules, "posthog", types.SimpleNamespace(Posthog=Posthog))
    monkeypatch.setattr(analytics, "_clients", {})
    monkeypatch.setenv("POSTHOG_API_KEY", "phc_test")
    return captured


def test_posthog_sink_is_called_when_named(events, monkeypatch) -> None:
    captured = _fake_posthog(monkeypatch)
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl,posthog")
    event = analytics.track("a", session_id="s1", distinct_id="p1", size=2)
    assert len(captured) == 1
    sent = captured[0]
    assert (sent["event"], sent["distinct_id"], sent["api_key"]) == ("a", "p1", "phc_test")
    assert sent["properties"]["size"] == 2 and sent["properties"]["$session_id"] == "s1"
    assert events.all() == [event]  # the local store still gets it


def test_posthog_needs_an_api_key(events, monkeypatch) -> None:
    _fake_posthog(monkeypatch)
    monkeypatch.delenv("POSTHOG_API_KEY")
    monkeypatch.setenv("ANALYTICS_SINKS", "posthog")
    with pytest.raises(analytics.AnalyticsConfigError, match="POSTHOG_API_KEY"):
        analytics.track("a")


def test_a_failing_optional_sink_warns_once_and_never_raises(events, monkeypatch, capsys) -> None:
    _fake_posthog(monkeypatch, fail=True)
    monkeypatch.setattr(analytics, "_warned", set())
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl,posthog")
    analytics.track("a")
    analytics.track("b")
    assert events.names() == ["a", "b"]
    assert capsys.readouterr().err.count("posthog sink failed") == 1


def test_otel_sink_is_called_when_named(events, monkeypatch) -> None:
    spans: list[tuple[str, dict]] = []

    class Span:
        def end(self) -> None:
            spans[-1][1]["ended"] = True

    class Tracer:
        def start_span(self, name: str, attributes: dict) -> Span:
            spans.append((name, dict(attributes)))
            return Span()

    class TracerProvider:
        def __init__(self, resource: object) -> None:
            pass

        def add_span_processor(self, processor: object) -> None:
            pass

        def get_tracer(self, name: str) -> Tracer:
            return Tracer()

        def shutdown(self) -> None:
            pass

    fakes = {
        "opentelemetry": {},
        "opentelemetry.sdk": {},
        "opentelemetry.sdk.resources": {"Resource": types.SimpleNamespace(create=lambda attrs: attrs)},
        "opentelemetry.sdk.trace": {"TracerProvider": TracerProvider},
        "opentelemetry.sdk.trace.export": {"BatchSpanProcessor": lambda exporter: exporter},
        "opentelemetry.exporter": {},
        "opentelemetry.exporter.otlp": {},
        "opentelemetry.exporter.otlp.proto": {},
        "opentelemetry.exporter.otlp.proto.http": {},
        "opentelemetry.exporter.otlp.proto.http.trace_exporter": {"OTLPSpanExporter": lambda: "exporter"},
    }
    for name, attributes in fakes.items():
        module = types.ModuleType(name)
        module.__dict__.update(attributes)
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setattr(analytics, "_clients", {})
    monkeypatch.setenv("ANALYTICS_SINKS", "otel")
    analytics.track("a", session_id="s1", size=2, tags=["x"])
    assert spans == [
        (
            "a",
            {
                "analytics.event_id": spans[0][1]["analytics.event_id"],
                "analytics.source": analytics.SOURCE,
                "analytics.session_id": "s1",
                "analytics.properties.size": 2,
                "analytics.properties.tags": '["x"]',
                "ended": True,
            },
        )
    ]
    assert events.all() == []  # otel alone: nothing local


def test_appends_from_many_threads_are_whole_lines(events) -> None:
    def work(n: int) -> None:
        for i in range(25):
            analytics.track("tick", session_id=f"t{n}", i=i)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(events.named("tick")) == 200
    assert len(events.path.read_text(encoding="utf-8").splitlines()) == 200


def test_a_ui_session_is_opened_once_and_tags_its_events(events) -> None:
    state: dict = {}
    assert analytics.open_session(state, "p-" + "7" * 100) is True
    first = state["session_id"]
    assert analytics.open_session(state, "someone-else") is False  # a rerun keeps the session and participant
    assert state["session_id"] == first and state["participant"] == "p-" + "7" * 62
    analytics.track_session(state, "screen_viewed", screen="overview")
    [event] = events.all()
    assert (event["session_id"], event["distinct_id"]) == (first, state["participant"])
    anonymous: dict = {}
    analytics.open_session(anonymous, None)
    assert anonymous["participant"] is None and anonymous["session_id"] != first


def test_new_session_ids_differ() -> None:
    assert analytics.new_session_id() != analytics.new_session_id()


def test_a_removed_or_replaced_store_is_recreated(events) -> None:
    analytics.track("a")
    events.clear()  # removed between two events, e.g. by a test or a log rotation
    analytics.track("b")
    assert events.names() == ["b"]
    events.path.rename(events.path.with_suffix(".old"))  # rotated: the next event starts a new file
    analytics.track("c")
    assert events.names() == ["c"]


def test_switching_the_path_between_calls_switches_the_store(events, tmp_path, monkeypatch) -> None:
    analytics.track("a")
    other = tmp_path / "elsewhere" / "events.jsonl"
    monkeypatch.setenv("ANALYTICS_PATH", str(other))
    analytics.track("b")
    monkeypatch.setenv("ANALYTICS_PATH", str(events.path))
    analytics.track("c")
    assert events.names() == ["a", "c"]
    assert [e["event"] for e in analytics.read_events(other)] == ["b"]


def test_properties_are_stored_as_json_reads_them_back(events) -> None:
    event = analytics.track("a", when=datetime.date(2024, 5, 1), tags=("x", 1), nested={"k": [1]}, ok=None)
    assert event["properties"] == {"when": "2024-05-01", "tags": ["x", 1], "nested": {"k": [1]}, "ok": None}
    assert events.all() == [event]


def test_sqlite_store_removed_between_calls_is_recreated(tmp_path, monkeypatch) -> None:
    path = tmp_path / "events.db"
    monkeypatch.setenv("ANALYTICS_SINKS", "sqlite")
    monkeypatch.setenv("ANALYTICS_PATH", str(path))
    analytics.track("a")
    path.unlink()
    second = analytics.track("b")
    assert analytics.read_events(path) == [second]
