"""The analytics module: local sinks, the environment switch, optional sinks chosen only when named, no free text."""

from __future__ import annotations

import datetime
import gzip
import http.server
import json
import sqlite3
import sys
import threading
import time

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
    monkeypatch.setenv("ANALYTICS_SINKS", f"jsonl,{sink}")
    monkeypatch.setenv("POSTHOG_API_KEY", "phc_test")
    with pytest.raises(analytics.AnalyticsConfigError, match=rf"pip install -e '\.\[{sink}\]'"):
        analytics.track("a")


class _Receiver(http.server.ThreadingHTTPServer):
    """A local endpoint on 127.0.0.1 that keeps every request it gets: (path, headers, body)."""

    def __init__(self, reply: bytes, content_type: str) -> None:
        self.received: list[tuple[str, dict, bytes]] = []
        self.reply, self.content_type = reply, content_type
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.server.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Type", self.server.content_type)
        self.send_header("Content-Length", str(len(self.server.reply)))
        self.end_headers()
        self.wfile.write(self.server.reply)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver():
    """Start a receiver; the test sets its reply. Stopped after the test."""
    servers: list[_Receiver] = []

    def start(reply: bytes = b"{}", content_type: str = "application/json") -> _Receiver:
        server = _Receiver(reply, content_type)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _wait(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def _optional_sink(name: str):
    return next(s for s in analytics._sinks() if s.name == name)


def test_posthog_sink_delivers_to_a_capture_endpoint(events, monkeypatch, receiver) -> None:
    pytest.importorskip("posthog")
    server = receiver(b'{"status": 1}')
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl,posthog")
    monkeypatch.setenv("POSTHOG_API_KEY", "phc_test")
    monkeypatch.setenv("POSTHOG_HOST", server.url)
    monkeypatch.setattr(analytics, "EXPERIMENT", "onboarding")
    monkeypatch.setattr(analytics, "VARIANT", "b")
    analytics.track("a", session_id="ph-s1", distinct_id="p1", size=2)
    analytics.track("b", session_id="ph-s1", distinct_id="p1")
    _optional_sink("posthog").client.flush()
    _wait(lambda: sum(len(json.loads(body)["batch"]) for _, _, body in server.received) >= 3)
    sent = [item for path, _, body in server.received if "batch" in path for item in json.loads(body)["batch"]]
    assert {json.loads(body)["api_key"] for _, _, body in server.received} == {"phc_test"}
    assert [e["event"] for e in sent] == ["$feature_flag_called", "a", "b"]
    exposure, first, _ = sent
    assert exposure["properties"]["$feature_flag"] == "onboarding"
    assert exposure["properties"]["$feature_flag_response"] == "b"
    assert first["distinct_id"] == "p1" and first["properties"]["size"] == 2
    assert first["properties"]["$session_id"] == "ph-s1" and first["properties"]["$feature/onboarding"] == "b"
    assert events.names() == ["experiment_exposure", "a", "b"]  # the local store gets them too, as plain fields
    assert {(e["experiment"], e["variant"]) for e in events.all()} == {("onboarding", "b")}
    assert first["uuid"].replace("-", "") == events.all()[1]["event_id"]


def test_otel_sink_delivers_log_records_to_an_otlp_receiver(events, monkeypatch, receiver) -> None:
    pytest.importorskip("opentelemetry.sdk")
    logs_service = pytest.importorskip("opentelemetry.proto.collector.logs.v1.logs_service_pb2")
    server = receiver(logs_service.ExportLogsServiceResponse().SerializeToString(), "application/x-protobuf")
    monkeypatch.setenv("ANALYTICS_SINKS", "otel")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", server.url)
    analytics.track("a", session_id="s1", distinct_id="p1", size=2, tags=["x"])
    _optional_sink("otel").provider.force_flush()
    _wait(lambda: bool(server.received))
    assert [path for path, _, _ in server.received] == ["/v1/logs"]
    request = logs_service.ExportLogsServiceRequest.FromString(server.received[0][2])
    [resource_logs] = request.resource_logs
    service = {a.key: a.value.string_value for a in resource_logs.resource.attributes}["service.name"]
    [record] = [r for scope in resource_logs.scope_logs for r in scope.log_records]
    attributes = {a.key: a.value for a in record.attributes}
    assert service == analytics.SOURCE and record.event_name == "a"
    assert attributes["session.id"].string_value == "s1" and attributes["user.id"].string_value == "p1"
    assert attributes["properties.size"].int_value == 2 and attributes["properties.tags"].string_value == '["x"]'
    assert events.all() == []  # otel alone: nothing local


def test_posthog_needs_an_api_key(events, monkeypatch) -> None:
    pytest.importorskip("posthog")
    monkeypatch.delenv("POSTHOG_API_KEY", raising=False)
    monkeypatch.setenv("ANALYTICS_SINKS", "posthog")
    with pytest.raises(analytics.AnalyticsConfigError, match="POSTHOG_API_KEY"):
        analytics.track("a")


def test_a_failing_optional_sink_warns_once_and_never_raises(events, monkeypatch, capsys) -> None:
    pytest.importorskip("posthog")

    class Refusing:
        name = "posthog"

        def send(self, record: dict) -> None:
            raise ConnectionError("no network")

    monkeypatch.setattr(analytics, "_warned", set())
    monkeypatch.setitem(analytics.SINKS, "posthog", lambda path: Refusing())
    monkeypatch.setenv("ANALYTICS_SINKS", "jsonl,posthog")
    monkeypatch.setenv("POSTHOG_API_KEY", "phc_refused")
    analytics.track("a")
    analytics.track("b")
    assert events.names() == ["a", "b"]
    assert capsys.readouterr().err.count("posthog sink failed") == 1


def test_one_exposure_per_session_when_part_of_an_experiment(events, monkeypatch) -> None:
    monkeypatch.setattr(analytics, "EXPERIMENT", "checkout")
    monkeypatch.setattr(analytics, "VARIANT", "a")
    for session in ("x1", "x1", "x2", None):
        analytics.track("step", session_id=session)
    assert events.names() == ["experiment_exposure", "step", "step", "experiment_exposure", "step", "step"]
    assert {e["variant"] for e in events.all()} == {"a"}


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
