"""The leading indicators of this prototype, computed from its recorded events.

    python metrics.py [--events PATH] [--brief PATH] [--json] [--chart metrics.html|metrics.png]

Prototype cohorts are small, so every value is shown with its counts and denominator. Indicator kinds
(as in the discovery brief, `.scaffold/brief.json`):
  conversion      sessions with `event` / sessions with `of_event` (all sessions when unset)
  median_seconds  median time in a session from the first `of_event` to the first `event` after it
  share           `event`s matching `where` / all `event`s
  returning       participants (distinct_id) seen in two or more sessions / participants with `event`
  count           number of `event`s matching `where`
`where` always filters `event` by its properties. Sessions are distinct session ids; an event without one is a
session of its own. The chart shows each indicator computed on the events up to the end of each day.
"""

from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import analytics

HERE = Path(__file__).resolve().parent
BRIEF_PATH = HERE / ".scaffold" / "brief.json"
RATIO_KINDS = ("conversion", "share", "returning")
STATUS_TEXT = {"met": "MET", "not_met": "NOT MET", "no_data": "NO DATA"}


def load_brief(path: str | Path = BRIEF_PATH) -> dict[str, Any]:
    """The discovery brief this prototype was generated from."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def matches(event: dict, name: str, where: dict[str, Any] | None = None) -> bool:
    """Is `event` called `name` with every property in `where` (same type and value)?"""
    if event.get("event") != name:
        return False
    props = event.get("properties") or {}
    return all(_same(props.get(key, _MISSING), value) for key, value in (where or {}).items())


_MISSING = object()


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return actual == expected
    return type(actual) is type(expected) and actual == expected


def session_of(event: dict) -> str:
    """The session an event belongs to; an event without a session id is a session of its own."""
    return event.get("session_id") or f"event:{event.get('event_id')}"


def parse_time(event: dict) -> datetime:
    return datetime.fromisoformat(str(event["timestamp"]))


def compute(indicator: dict[str, Any], events: list[dict]) -> dict[str, Any]:
    """One indicator's value, numerator, denominator and status (met, not_met or no_data)."""
    kind, name, where = indicator["kind"], indicator["event"], indicator.get("where") or {}
    of_event = indicator.get("of_event")
    value: float | None
    unit = "sessions"
    if kind == "conversion":
        base = {session_of(e) for e in events if of_event is None or e.get("event") == of_event}
        hit = {session_of(e) for e in events if matches(e, name, where)} & base
        numerator, denominator = len(hit), len(base)
        value = numerator / denominator if denominator else None
    elif kind == "median_seconds":
        starts: dict[str, datetime] = {}
        for e in sorted(events, key=parse_time):
            if e.get("event") == of_event:
                starts.setdefault(session_of(e), parse_time(e))
        durations: dict[str, float] = {}
        for e in sorted(events, key=parse_time):
            sid = session_of(e)
            if sid in starts and sid not in durations and matches(e, name, where) and parse_time(e) >= starts[sid]:
                durations[sid] = (parse_time(e) - starts[sid]).total_seconds()
        numerator, denominator = len(durations), len(starts)
        value = statistics.median(durations.values()) if durations else None
    elif kind == "share":
        unit = "events"
        named = [e for e in events if e.get("event") == name]
        numerator, denominator = sum(matches(e, name, where) for e in named), len(named)
        value = numerator / denominator if denominator else None
    elif kind == "returning":
        unit = "participants"
        sessions_by_person: dict[str, set[str]] = defaultdict(set)
        for e in events:
            if e.get("distinct_id"):
                sessions_by_person[e["distinct_id"]].add(session_of(e))
        people = {e["distinct_id"] for e in events if e.get("distinct_id") and matches(e, name, where)}
        numerator = sum(len(sessions_by_person[p]) >= 2 for p in people)
        denominator = len(people)
        value = numerator / denominator if denominator else None
    elif kind == "count":
        unit = "events"
        numerator, denominator = sum(matches(e, name, where) for e in events), None
        value = float(numerator) if events else None
    else:
        raise ValueError(f"indicator {indicator.get('id')!r}: unknown kind {kind!r}")
    target, direction = float(indicator["target"]), indicator.get("direction", "at_least")
    if value is None:
        status = "no_data"
    elif direction == "at_most":
        status = "met" if value <= target else "not_met"
    else:
        status = "met" if value >= target else "not_met"
    return {
        "id": indicator["id"],
        "name": indicator["name"],
        "kind": kind,
        "event": name,
        "of_event": of_event,
        "where": where,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "unit": unit,
        "target": target,
        "direction": direction,
        "status": status,
    }


def report(brief: dict[str, Any], events: list[dict]) -> dict[str, Any]:
    """Every indicator of the brief, plus the size of the cohort behind them."""
    beliefs: dict[str, list[str]] = defaultdict(list)
    for hypothesis in brief.get("hypotheses", []):
        beliefs[hypothesis["indicator"]].append(hypothesis["belief"])
    indicators = []
    for indicator in brief["indicators"]:
        result = compute(indicator, events)
        result["hypotheses"] = beliefs.get(indicator["id"], [])
        indicators.append(result)
    return {
        "events": len(events),
        "sessions": len({session_of(e) for e in events}),
        "participants": len({e["distinct_id"] for e in events if e.get("distinct_id")}),
        "indicators": indicators,
    }


def format_value(result: dict[str, Any]) -> str:
    value = result["value"]
    if value is None:
        return "-"
    if result["kind"] in RATIO_KINDS:
        return f"{value:.0%}"
    if result["kind"] == "median_seconds":
        return f"{value:.1f} s"
    return f"{value:g}"


def format_target(result: dict[str, Any]) -> str:
    sign = ">=" if result["direction"] == "at_least" else "<="
    target = result["target"]
    if result["kind"] in RATIO_KINDS:
        return f"{sign} {target:.0%}"
    return f"{sign} {target:g}" + (" s" if result["kind"] == "median_seconds" else "")


def format_counts(result: dict[str, Any]) -> str:
    if result["kind"] == "count":
        return (
            f"{result['numerator']} {result['unit'].removesuffix('s') if result['numerator'] == 1 else result['unit']}"
        )
    if result["kind"] == "median_seconds":
        return f"{result['numerator']} of {result['denominator']} sessions timed"
    return f"{result['numerator']}/{result['denominator']} {result['unit']}"


def render_text(data: dict[str, Any]) -> str:
    """A plain text table: indicator, value, counts, target, status."""
    header = ("Indicator", "Value", "Counts", "Target", "Status")
    rows = [
        (r["name"], format_value(r), format_counts(r), format_target(r), STATUS_TEXT[r["status"]])
        for r in data["indicators"]
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        f"{data['events']} events, {data['sessions']} sessions, {data['participants']} participants",
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    hypotheses = [(h, r) for r in data["indicators"] for h in r.get("hypotheses", [])]
    if hypotheses:
        lines += ["", "Hypotheses:"]
        lines += [f"  [{STATUS_TEXT[r['status']]}] {h} ({r['name']})" for h, r in hypotheses]
    if not data["events"]:
        lines += ["", "No events recorded yet: run the prototype (make run) and use it, then run this again."]
    return "\n".join(lines)


def by_day(brief: dict[str, Any], events: list[dict]) -> list[tuple[date, dict[str, Any]]]:
    """Each indicator computed on the events up to the end of each day that has events."""
    ordered = sorted(events, key=parse_time)
    days = sorted({parse_time(e).astimezone(UTC).date() for e in ordered})
    series = []
    for day in days:
        upto = [e for e in ordered if parse_time(e).astimezone(UTC).date() <= day]
        series.append((day, report(brief, upto)))
    return series


def write_chart(brief: dict[str, Any], events: list[dict], out: Path) -> Path:
    """An HTML (inline SVG, no dependency) or PNG (matplotlib) chart of the indicators over time."""
    series = by_day(brief, events)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".png":
        _write_png(brief, series, out)
    else:
        out.write_text(_html_chart(brief, series), encoding="utf-8")
    return out


def _points(series: list[tuple[date, dict[str, Any]]], index: int) -> list[tuple[date, float | None]]:
    return [(day, data["indicators"][index]["value"]) for day, data in series]


def _html_chart(brief: dict[str, Any], series: list[tuple[date, dict[str, Any]]]) -> str:
    width, height, pad = 560, 180, 36
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Indicators over time</title>",
        (
            "<style>body{font-family:sans-serif;max-width:640px;margin:2em auto}svg{background:#fafafa}"
            ".met{color:#1a7f37}.not_met{color:#b42318}.no_data{color:#666}</style>"
        ),
        "<h1>Indicators over time</h1><p>Each point: the indicator on all events up to the end of that day.</p>",
    ]
    for index, indicator in enumerate(brief["indicators"]):
        points = _points(series, index)
        latest = series[-1][1]["indicators"][index] if series else compute(indicator, [])
        values = [v for _, v in points if v is not None] + [float(indicator["target"])]
        top = max(values) * 1.1 or 1.0
        step = (width - 2 * pad) / max(len(points) - 1, 1)

        def y(v: float, top: float = top) -> float:
            return height - pad - (v / top) * (height - 2 * pad)

        coords = [(pad + i * step, y(v)) for i, (_, v) in enumerate(points) if v is not None]
        ty = y(float(indicator["target"]))
        svg = [f"<svg width='{width}' height='{height}' role='img'>"]
        svg.append(
            f"<line x1='{pad}' x2='{width - pad}' y1='{ty:.1f}' y2='{ty:.1f}' stroke='#999' stroke-dasharray='4'/>"
        )
        svg.append(f"<text x='{width - pad}' y='{ty - 4:.1f}' font-size='11' text-anchor='end'>target</text>")
        if coords:
            path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
            svg.append(f"<polyline points='{path}' fill='none' stroke='#2563eb' stroke-width='2'/>")
            values_shown = [v for _, v in points if v is not None]
            svg += [
                f"<circle cx='{x:.1f}' cy='{yy:.1f}' r='3' fill='#2563eb'><title>{_axis_label(indicator['kind'], v)}"
                "</title></circle>"
                for (x, yy), v in zip(coords, values_shown, strict=True)
            ]
        for i, (day, _) in enumerate(points):
            svg.append(
                f"<text x='{pad + i * step:.1f}' y='{height - 8}' font-size='10' text-anchor='middle'>{day}</text>"
            )
        for label, value in (("0", 0.0), (_axis_label(indicator["kind"], top), top)):
            svg.append(f"<text x='4' y='{y(value) + 4:.1f}' font-size='10'>{label}</text>")
        svg.append("</svg>")
        parts.append(
            f"<h2>{html.escape(indicator['name'])}</h2><p class='{latest['status']}'>"
            f"{html.escape(format_value(latest))} ({html.escape(format_counts(latest))}), target "
            f"{html.escape(format_target(latest))}: <b>{STATUS_TEXT[latest['status']]}</b></p>" + "".join(svg)
        )
    if not series:
        parts.append("<p>No events recorded yet.</p>")
    return "\n".join(parts) + "\n"


def _axis_label(kind: str, value: float) -> str:
    return f"{value:.0%}" if kind in RATIO_KINDS else f"{value:.3g}"


def _write_png(brief: dict[str, Any], series: list[tuple[date, dict[str, Any]]], out: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import dates
    except ImportError:
        raise SystemExit("a PNG chart needs matplotlib (pip install matplotlib); or use --chart metrics.html") from None
    count = len(brief["indicators"])
    fig, axes = plt.subplots(count, 1, figsize=(7, 2.4 * count), squeeze=False)
    for index, (indicator, ax) in enumerate(zip(brief["indicators"], axes[:, 0], strict=True)):
        points = [(d, v) for d, v in _points(series, index) if v is not None]
        if points:
            ax.plot([d for d, _ in points], [v for _, v in points], marker="o")
            if len(points) == 1:
                ax.set_xlim(points[0][0] - timedelta(days=1), points[0][0] + timedelta(days=1))
        top = max([v for _, v in points] + [float(indicator["target"])]) * 1.15
        ax.set_ylim(0, top or 1.0)
        span = (series[-1][0] - series[0][0]).days if series else 0
        ax.xaxis.set_major_locator(dates.DayLocator(interval=max(1, span // 7)))
        ax.xaxis.set_major_formatter(dates.DateFormatter("%Y-%m-%d"))
        ax.axhline(float(indicator["target"]), linestyle="--", color="grey", label="target")
        ax.set_title(indicator["name"], fontsize=10)
        ax.legend(loc="best", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Compute this prototype's leading indicators from its events.")
    parser.add_argument("--events", help="event store (.jsonl or .db); default: ANALYTICS_PATH or .analytics/")
    parser.add_argument("--brief", default=str(BRIEF_PATH), help="discovery brief (default .scaffold/brief.json)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--chart", metavar="PATH", help="also write a chart over time: .html or .png")
    args = parser.parse_args(list(argv) if argv is not None else None)
    brief = load_brief(args.brief)
    try:
        events = analytics.read_events(args.events)
    except analytics.AnalyticsConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    data = report(brief, events)
    if args.chart:
        data["chart"] = str(write_chart(brief, events, Path(args.chart)))
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(render_text(data))
        if args.chart:
            print(f"\nChart written to {data['chart']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
