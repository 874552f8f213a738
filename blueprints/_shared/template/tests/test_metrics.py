"""The metrics report: every indicator kind, on this prototype's own brief and on hand-written indicators."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import metrics

START = datetime(2024, 5, 6, 9, 0, tzinfo=UTC)
LATER = START + timedelta(hours=1)  # "now" for indicators with a time window
OTHER = "some_other_event"
DAY = 24 * 3600


def ev(name: str, session: str, seconds: float = 0, person: str | None = None, **props: Any) -> dict:
    stamp = (START + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return {
        "event_id": f"{name}-{session}-{seconds}",
        "event": name,
        "timestamp": stamp,
        "session_id": session,
        "distinct_id": person,
        "properties": props,
    }


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return f"{value}-other"


def synthetic(ind: dict) -> tuple[list[dict], float, int, int | None]:
    """Events for `ind` whose (value, numerator, denominator) are known by construction."""
    name, of, where = ind["event"], ind.get("of_event"), ind.get("where") or {}
    hit, miss = dict(where), {k: _other(v) for k, v in where.items()}
    kind = ind["kind"]
    if kind == "conversion":
        if of and of != name:
            evs = [e for s in ("c1", "c2", "c3") for e in (ev(of, s), ev(name, s, 5, **hit))]
            evs += [ev(of, "c4")] + ([ev(name, "c4", 5, **miss)] if where else [])
            evs += [ev(of, "c5"), ev(name, "c6", 0, **hit)]
            return evs, 3 / 5, 3, 5
        evs = [ev(name, s, 0, **hit) for s in ("c1", "c2", "c3")]
        if of:  # of_event is the event itself: its sessions are the denominator
            evs += [ev(name, s, 0, **miss) for s in ("c4", "c5")] if where else []
            return evs, (3 / 5 if where else 1.0), 3, (5 if where else 3)
        evs += [ev(OTHER, "c4"), ev(name, "c5", 0, **miss) if where else ev(OTHER, "c5")]
        return evs, 3 / 5, 3, 5
    if kind == "median_seconds":
        if of != name:
            evs = [e for s, t in (("m1", 10), ("m2", 20), ("m3", 40)) for e in (ev(of, s), ev(name, s, t, **hit))]
            evs += [ev(name, "m0", 0, **hit), ev(of, "m0", 5)]  # an end before the start does not count
            evs += [ev(of, "m4")] + ([ev(of, "m5"), ev(name, "m5", 3, **miss)] if where else [])
            return evs, 20.0, 3, (6 if where else 5)
        if not where:
            return [ev(name, s, 0) for s in ("m1", "m2", "m3")], 0.0, 3, 3
        evs = [
            e for s, t in (("m1", 10), ("m2", 20), ("m3", 40)) for e in (ev(name, s, 0, **miss), ev(name, s, t, **hit))
        ]
        return [*evs, ev(name, "m4", 0, **miss)], 20.0, 3, 4
    if kind == "ratio":
        evs = [e for s in ("q1", "q2") for e in (ev(of, s), ev(of, s, 1), ev(name, s, 2, **hit))]
        evs += [ev(of, "q3")] + ([ev(name, "q3", 2, **miss)] if where else [])
        evs += [ev(name, "q4", 0, **hit)]  # no `of_event` in its session: not counted
        return evs, 2 / 5, 2, 5
    if kind == "share":
        evs = [ev(name, f"s{i}", i, **hit) for i in range(3)] + [ev(OTHER, "s9")]
        evs += [ev(name, f"t{i}", i, **miss) for i in range(2)] if where else []
        return evs, (3 / 5 if where else 1.0), 3, (5 if where else 3)
    if kind == "returning":
        evs = [ev(name, "r1", 0, "pa", **hit), ev(OTHER, "r2", DAY, "pa")]  # back the next day
        evs += [ev(name, "r3", 0, "pb", **hit), ev(name, "r3b", 60, "pb", **hit)]  # a reload a minute later
        evs += [ev(name, "r4", 0, "pc", **hit), ev(name, "r5", 1800, "pc", **hit)]  # back 30 minutes later
        evs += [ev(OTHER, "r6", 0, "pd"), ev(OTHER, "r7", 0, "pd")]
        evs += [ev(name, "r8", 0, "pe", **miss), ev(OTHER, "r9", 0, "pe")] if where else []
        return evs, 2 / 3, 2, 3
    evs = [ev(name, f"k{i}", i, **hit) for i in range(3)] + [ev(OTHER, "k9")]
    evs += [ev(name, f"x{i}", i, **miss) for i in range(2)] if where else []
    return evs, 3.0, 3, None


def expected_status(ind: dict, value: float) -> str:
    target = float(ind["target"])
    ok = value <= target if ind.get("direction") == "at_most" else value >= target
    return "met" if ok else "not_met"


BRIEF = metrics.load_brief()


@pytest.mark.parametrize("ind", BRIEF["indicators"], ids=[i["id"] for i in BRIEF["indicators"]])
def test_this_briefs_indicators_on_synthetic_events(ind: dict) -> None:
    events, value, numerator, denominator = synthetic(ind)
    result = metrics.compute(ind, events, minimum=1, now=LATER)
    assert (result["numerator"], result["denominator"]) == (numerator, denominator)
    assert result["value"] == pytest.approx(value)
    assert result["status"] == expected_status(ind, value)
    assert metrics.compute(ind, [])["status"] == "no_data"
    assert metrics.compute(ind, events, now=LATER)["status"] == "too_few"  # a handful of sessions proves nothing
    assert ind["name"] and metrics.measures(ind) == result["measures"]


HAND_WRITTEN = [
    {"id": "conv", "name": "Conversion", "kind": "conversion", "event": "done", "of_event": "start", "target": 0.5},
    {"id": "conv_all", "name": "Of all sessions", "kind": "conversion", "event": "done", "target": 0.9},
    {
        "id": "speed",
        "name": "Speed",
        "kind": "median_seconds",
        "event": "done",
        "of_event": "start",
        "target": 60,
        "direction": "at_most",
    },
    {"id": "happy", "name": "Happy", "kind": "share", "event": "rated", "where": {"positive": True}, "target": 0.8},
    {"id": "back", "name": "Back", "kind": "returning", "event": "start", "target": 0.5},
    {
        "id": "errors",
        "name": "Errors",
        "kind": "count",
        "event": "failed",
        "where": {"status": 404},
        "target": 1,
        "direction": "at_most",
    },
]
HAND_EVENTS = [
    ev("start", "a", 0, "p1"),
    ev("done", "a", 30, "p1"),
    ev("rated", "a", 40, "p1", positive=True),
    ev("start", "b", 7200, "p1"),
    ev("done", "b", 7290, "p1"),
    ev("rated", "b", 7295, "p1", positive=False),
    ev("start", "c", 0, "p2"),
    ev("failed", "c", 1, "p2", status=404),
    ev("failed", "c", 2, "p2", status=422),
    ev("start", "d", 0),
    ev("failed", "d", 1, status=404),
    ev("failed", "d", 2, status="404"),
    ev("done", "e", 0),
]


@pytest.mark.parametrize(
    ("index", "value", "numerator", "denominator", "status"),
    [
        (0, 0.5, 2, 4, "met"),  # sessions a, b of a..d
        (1, 0.6, 3, 5, "not_met"),  # a, b, e of all five sessions
        (2, 60.0, 2, 4, "met"),  # median of 30 s and 90 s; c and d never finish
        (3, 0.5, 1, 2, "not_met"),
        (4, 0.5, 1, 2, "met"),  # p1 came back; p2 did not; d and e have no participant
        (5, 2.0, 2, None, "not_met"),  # the string "404" does not match the number 404
    ],
)
def test_hand_written_indicators(
    index: int, value: float, numerator: int, denominator: int | None, status: str
) -> None:
    result = metrics.compute(HAND_WRITTEN[index], HAND_EVENTS, minimum=1)
    assert result["value"] == pytest.approx(value)
    assert (result["numerator"], result["denominator"], result["status"]) == (numerator, denominator, status)


def test_no_data_when_nothing_was_recorded() -> None:
    brief = {"hypotheses": [], "indicators": HAND_WRITTEN}
    data = metrics.report(brief, [])
    assert [r["status"] for r in data["indicators"]] == ["no_data"] * len(HAND_WRITTEN)
    assert "NO DATA" in metrics.render_text(data)


def test_text_table_shows_counts_targets_and_status() -> None:
    brief = {"hypotheses": [{"belief": "People finish", "indicator": "conv"}], "indicators": HAND_WRITTEN}
    text = metrics.render_text(metrics.report(brief, HAND_EVENTS))
    assert "13 events, 5 sessions, 2 participants" in text
    assert "2/4 sessions" in text and ">= 50%" in text and "2 of 4 sessions timed" in text
    assert "15%-85%" in text  # 2 of 4: the Wilson interval
    assert "\nConversion " in text and "Conversion: sessions with done / sessions with start" in text
    assert "[TOO FEW] People finish (Conversion)" in text and "ANALYTICS_MIN_SAMPLE" in text


def test_cli_json_reads_an_event_file(tmp_path, capsys, monkeypatch) -> None:
    store = tmp_path / "events.jsonl"
    store.write_text("".join(json.dumps(e) + "\n" for e in HAND_EVENTS) + "{cut short", encoding="utf-8")
    brief = tmp_path / "brief.json"
    brief.write_text(json.dumps({"hypotheses": [], "indicators": HAND_WRITTEN}), encoding="utf-8")
    monkeypatch.setenv("ANALYTICS_MIN_SAMPLE", "4")
    assert metrics.main(["--events", str(store), "--brief", str(brief), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"] == len(HAND_EVENTS)
    statuses = {r["id"]: r["status"] for r in data["indicators"]}
    assert statuses["conv"] == "met" and statuses["speed"] == "too_few"  # 4 sessions started; 2 were timed


def test_cli_default_brief_and_store(events, capsys) -> None:
    assert metrics.main([]) == 0
    out = capsys.readouterr().out
    for ind in BRIEF["indicators"]:
        assert ind["name"] in out
    assert "NO DATA" in out


def test_html_chart_over_days(tmp_path) -> None:
    later = [dict(e, timestamp=e["timestamp"].replace("2024-05-06", "2024-05-08")) for e in HAND_EVENTS[:3]]
    out = metrics.write_chart({"indicators": HAND_WRITTEN}, HAND_EVENTS + later, tmp_path / "chart.html")
    page = out.read_text(encoding="utf-8")
    assert page.count("<svg") == len(HAND_WRITTEN)
    assert "2024-05-06" in page and "2024-05-08" in page


def test_png_chart_needs_matplotlib(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(SystemExit, match="matplotlib"):
        metrics.write_chart({"indicators": HAND_WRITTEN}, HAND_EVENTS, tmp_path / "chart.png")


def test_cli_reports_a_bad_sink_setting(events, monkeypatch, capsys) -> None:
    monkeypatch.setenv("ANALYTICS_SINKS", "bogus")
    assert metrics.main([]) == 2
    assert "ANALYTICS_SINKS" in capsys.readouterr().err


def _sessions(count: int, done: int, prefix: str = "u", person: str | None = None) -> list[dict]:
    """`count` sessions that start, `done` of them finish."""
    evs = [ev("start", f"{prefix}{i}", i, person or f"{prefix}-p{i}") for i in range(count)]
    return evs + [ev("done", f"{prefix}{i}", i + 30, person or f"{prefix}-p{i}") for i in range(done)]


def test_rates_carry_the_wilson_interval_and_n() -> None:
    result = metrics.compute(HAND_WRITTEN[0], _sessions(12, 7))
    assert (result["numerator"], result["denominator"], result["n"], result["status"]) == (7, 12, 12, "met")
    # values from scipy.stats.binomtest(7, 12).proportion_ci(method="wilson"), checked again in scaffold's tests
    assert result["interval"] == pytest.approx([0.31951131254954973, 0.8067396863412435])
    assert metrics.wilson(0, 12) == pytest.approx((0.0, 0.24249400665524085))
    assert metrics.wilson(12, 12) == pytest.approx((0.7575059933447592, 1.0))


def test_median_time_has_a_distribution_free_interval() -> None:
    evs = [e for i in range(1, 13) for e in (ev("start", f"m{i}"), ev("done", f"m{i}", float(i)))]
    result = metrics.compute(HAND_WRITTEN[2], evs)
    assert (result["value"], result["n"]) == (6.5, 12)
    assert result["interval"] == [3.0, 10.0]  # scipy.stats.quantile_test(...).confidence_interval(0.95)
    assert metrics.median_interval([1.0, 2.0, 3.0, 4.0, 5.0]) is None  # 5 values cannot give 95%


def test_too_few_below_the_minimum_sample_and_the_setting(monkeypatch) -> None:
    assert metrics.compute(HAND_WRITTEN[0], _sessions(9, 9))["status"] == "too_few"  # 100%, but of 9
    assert metrics.compute(HAND_WRITTEN[0], _sessions(10, 9))["status"] == "met"
    monkeypatch.setenv("ANALYTICS_MIN_SAMPLE", "30")
    assert metrics.compute(HAND_WRITTEN[0], _sessions(10, 9))["status"] == "too_few"


def test_the_team_is_left_out(monkeypatch) -> None:
    brief = {"indicators": [HAND_WRITTEN[0]]}
    people = _sessions(10, 3)
    team = _sessions(5, 5, prefix="t", person="team-ana") + _sessions(4, 4, prefix="b", person="bob")
    monkeypatch.setenv("ANALYTICS_TEAM", "bob, carol")
    data = metrics.report(brief, people + team)
    assert (data["events"], data["team_events"], data["participants"]) == (13, 18, 10)
    [result] = data["indicators"]
    assert (result["numerator"], result["denominator"], result["status"]) == (3, 10, "not_met")


def test_returning_means_another_day_or_thirty_minutes_later() -> None:
    back = {"id": "back", "name": "Came back", "kind": "returning", "event": "start", "target": 0.5}
    evs = [ev("start", "a1", 0, "ann"), ev("start", "a2", DAY, "ann")]  # next day
    evs += [ev("start", "b1", 0, "ben"), ev("start", "b2", 60, "ben")]  # reloaded a minute later
    evs += [ev("start", "c1", 0, "cal"), ev("start", "c2", 1800, "cal")]  # 30 minutes later
    evs += [ev("start", "d1", 0, "dee"), ev("start", "d1", 7200, "dee")]  # one long session
    result = metrics.compute(back, evs, minimum=1)
    assert (result["numerator"], result["denominator"]) == (2, 4)


def test_a_per_message_rate() -> None:
    fallback = {
        "id": "fallback_rate",
        "name": "Questions the bot could not answer",
        "kind": "ratio",
        "event": "fallback_triggered",
        "of_event": "message_sent",
        "target": 0.2,
        "direction": "at_most",
    }
    evs = []
    for i in range(10):  # ten conversations of four questions; three of the four fall back in the first two
        for q in range(4):
            evs.append(ev("message_sent", f"c{i}", q * 10))
            if i < 2 and q < 3:
                evs.append(ev("fallback_triggered", f"c{i}", q * 10 + 1))
    result = metrics.compute(fallback, evs)
    assert (result["numerator"], result["denominator"], result["n"]) == (6, 40, 10)
    assert result["value"] == pytest.approx(0.15) and result["status"] == "met"
    assert result["measures"] == "fallback_triggered / message_sent (per message_sent)"


def test_a_count_in_a_time_window() -> None:
    weekly = {"id": "weekly", "name": "Orders this week", "kind": "count", "event": "done", "target": 3}
    weekly["window_days"] = 7
    evs = [ev("done", f"w{i}", i * DAY) for i in range(12)]  # one a day for 12 days
    result = metrics.compute(weekly, evs, minimum=1, now=START + timedelta(days=11, hours=1))
    assert (result["numerator"], result["n"]) == (7, 7)  # days 5..11
    assert result["measures"] == "done events in the last 7 days"


def test_the_kinds_are_described_once() -> None:
    assert set(metrics.KINDS) == {"conversion", "ratio", "median_seconds", "share", "returning", "count"}
    assert set(metrics.RATIO_KINDS) < set(metrics.KINDS)


def test_a_corrupt_store_is_an_error_not_no_data(tmp_path, capsys) -> None:
    store = tmp_path / "events.jsonl"
    store.write_text("not json\n" + json.dumps(HAND_EVENTS[0]) + "\n", encoding="utf-8")
    with pytest.raises(metrics.StoreError, match="line 1"):
        metrics.read_store(store)
    assert metrics.main(["--events", str(store)]) == 2
    assert "line 1" in capsys.readouterr().err


def test_html_chart_ratio_axis_stops_at_100_percent(tmp_path) -> None:
    out = metrics.write_chart({"indicators": HAND_WRITTEN[:1]}, _sessions(10, 10), tmp_path / "chart.html")
    page = out.read_text(encoding="utf-8")
    assert ">100%<" in page and "110%" not in page
