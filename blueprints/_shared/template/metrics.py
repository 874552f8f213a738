"""The leading indicators of this prototype, computed from its recorded events.

    python metrics.py [--events PATH] [--brief PATH] [--json] [--chart metrics.html|metrics.png]

Prototype cohorts are small, so every figure is shown with its numerator, denominator and a 95% interval, and a
figure resting on fewer than ANALYTICS_MIN_SAMPLE sessions or participants (default 10) is TOO FEW, not MET.
The meaning of each indicator kind is written once, in KINDS below; the README and scaffold's plan schema quote it.
Visits by the team are left out: participants listed in ANALYTICS_TEAM (comma list) or whose id starts "team-".
Standard library only, and nothing here touches the event store until `main` runs, so other tools (scaffold's
`report` command) can load this file as plain logic.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import os
import sqlite3
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import NormalDist, median
from typing import Any

HERE = Path(__file__).resolve().parent
BRIEF_PATH = HERE / ".scaffold" / "brief.json"

#: What each indicator kind computes. The one description of the kinds: README, plan schema and code follow it.
KINDS = {
    "conversion": "sessions with `event` / sessions with `of_event` (or all sessions)",
    "ratio": "`event`s / `of_event`s in the same sessions (a per-message or per-request rate)",
    "median_seconds": "median seconds in a session from the first `of_event` to the next `event`",
    "share": "`event`s matching `where` / all `event`s",
    "returning": "participants with `event` seen on 2 days or 30+ min apart / participants with `event`",
    "count": "`event`s matching `where` (in the last `window_days` days, if set)",
}
RATIO_KINDS = ("conversion", "ratio", "share", "returning")
#: The unit each kind's sample size `n` counts: fewer than the minimum sample of them is TOO FEW.
SAMPLE_UNIT = {"returning": "participants"}
STATUS_TEXT = {"met": "MET", "not_met": "NOT MET", "too_few": "TOO FEW", "no_data": "NO DATA"}
DEFAULT_MIN_SAMPLE = 10
RETURN_GAP = timedelta(minutes=30)
#: The exposure event recorded once per session when the prototype is one variant of an experiment.
EXPOSURE_EVENT = "experiment_exposure"
Z95 = NormalDist().inv_cdf(0.975)


class StoreError(ValueError):
    """An event store that cannot be read as events (not JSONL or SQLite, or lines that are not events)."""


def load_brief(path: str | Path = BRIEF_PATH) -> dict[str, Any]:
    """The discovery brief this prototype was generated from."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_store(path: str | Path) -> list[dict]:
    """Every event in a JSONL or SQLite store; [] when it does not exist. Only a last line cut short by a crash is
    forgiven: anything else that is not an event raises StoreError, so a wrong file is never read as 'no data'."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open("rb") as head:
        if head.read(16) == b"SQLite format 3\x00":
            return _read_sqlite(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise StoreError(f"{path.name} is not UTF-8 text ({error.reason})") from None
    events = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):
                break  # cut short by a crash; the rest of the store is good
            raise StoreError(f"{path.name} line {number} is not JSON") from None
        if not (isinstance(item, dict) and isinstance(item.get("event"), str) and "timestamp" in item):
            raise StoreError(f"{path.name} line {number} is not an event")
        events.append(item)
    return events


def _read_sqlite(path: Path) -> list[dict]:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            rows = [dict(row) for row in db.execute("SELECT * FROM events ORDER BY timestamp, rowid")]
    except sqlite3.Error as error:
        raise StoreError(f"{path.name}: {error}") from None
    for row in rows:
        row["properties"] = json.loads(row.get("properties") or "{}")
    return rows


def min_sample() -> int:
    """ANALYTICS_MIN_SAMPLE, or 10: the sessions or participants a figure needs before MET or NOT MET."""
    raw = os.environ.get("ANALYTICS_MIN_SAMPLE", "")
    return int(raw) if raw.strip().isdigit() else DEFAULT_MIN_SAMPLE


def team_members() -> set[str]:
    """Participant ids in ANALYTICS_TEAM (comma list); ids starting "team-" are the team's too."""
    return {p.strip() for p in os.environ.get("ANALYTICS_TEAM", "").split(",") if p.strip()}


def without_team(events: list[dict], team: set[str] | None = None) -> list[dict]:
    """The events not made by the team, so the team's own clicks never count as evidence."""
    team = team_members() if team is None else team
    return [e for e in events if not _is_team(e.get("distinct_id"), team)]


def _is_team(participant: Any, team: set[str]) -> bool:
    return isinstance(participant, str) and (participant in team or participant.startswith("team-"))


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (scipy's binomtest(...).proportion_ci(method='wilson'))."""
    if n <= 0:
        return None
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float] | None:
    """A distribution-free interval for the median: order statistics x(k) and x(n+1-k), with k the largest rank
    whose coverage 1 - 2 P(Binomial(n, 1/2) < k) is still at least `confidence`. None when n is too small (< 6)."""
    xs, n = sorted(values), len(values)
    below, k = 0.0, 0  # below = P(B < k+1) as k grows
    while k < n // 2:
        below += math.comb(n, k) / 2**n
        if 1 - 2 * below < confidence:
            break
        k += 1
    return (xs[k - 1], xs[n - k]) if k else None


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of the pooled two-proportion z-test (the square root of scipy's chi2_contingency without
    continuity correction): is k1/n1 different from k2/n2 beyond chance?"""
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 1.0
    return 2 * (1 - NormalDist().cdf(abs(k1 / n1 - k2 / n2) / se))


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
    stamp = datetime.fromisoformat(str(event["timestamp"]).replace("Z", "+00:00"))
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def measures(indicator: dict[str, Any]) -> str:
    """What an indicator computes, in words generated from its fields: shown beside its name, so a name that
    promises something else is seen to."""
    kind, name, of = indicator["kind"], indicator["event"], indicator.get("of_event")
    where = indicator.get("where") or {}
    matched = name + (" where " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in where.items()) if where else "")
    if kind == "conversion":
        return f"sessions with {matched} / " + (f"sessions with {of}" if of else "all sessions")
    if kind == "ratio":
        return f"{matched} / {of} (per {of})"
    if kind == "median_seconds":
        return f"median seconds from {of} to {matched}"
    if kind == "share":
        return f"{matched} / all {name}"
    if kind == "returning":
        return f"participants with {matched} who came back on another day or 30+ min later"
    window = indicator.get("window_days")
    return f"{matched} events" + (f" in the last {window:g} days" if window else "")


def compute(
    indicator: dict[str, Any], events: list[dict], *, minimum: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """One indicator: value, numerator, denominator, sample size n, 95% interval and status.

    Status: no_data (nothing to divide by), too_few (n below the minimum sample), else met or not_met."""
    kind, name, where = indicator["kind"], indicator["event"], indicator.get("where") or {}
    of_event = indicator.get("of_event")
    events = [e for e in events if e.get("event") != EXPOSURE_EVENT]
    interval: tuple[float, float] | None = None
    value: float | None = None
    unit = SAMPLE_UNIT.get(kind, "sessions")
    denominator: int | None
    if kind == "conversion":
        base = {session_of(e) for e in events if of_event is None or e.get("event") == of_event}
        numerator = len({session_of(e) for e in events if matches(e, name, where)} & base)
        denominator = n = len(base)
    elif kind == "ratio":
        per_session: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for e in events:
            if e.get("event") == of_event:
                per_session[session_of(e)][1] += 1
        for e in events:
            if session_of(e) in per_session and matches(e, name, where):
                per_session[session_of(e)][0] += 1
        # each `event` answers one `of_event` of its session, so a session never counts more hits than trials
        numerator = sum(min(hits, trials) for hits, trials in per_session.values())
        denominator, n = sum(trials for _, trials in per_session.values()), len(per_session)
    elif kind == "median_seconds":
        ordered = sorted(events, key=parse_time)
        starts: dict[str, datetime] = {}
        durations: dict[str, float] = {}
        for e in ordered:
            sid = session_of(e)
            if e.get("event") == of_event:
                starts.setdefault(sid, parse_time(e))
            if sid in starts and sid not in durations and matches(e, name, where) and parse_time(e) >= starts[sid]:
                durations[sid] = (parse_time(e) - starts[sid]).total_seconds()
        numerator, denominator, n = len(durations), len(starts), len(durations)
        value = median(durations.values()) if durations else None
        interval = median_interval(list(durations.values()))
    elif kind == "share":
        named = [e for e in events if e.get("event") == name]
        numerator, denominator = sum(matches(e, name, where) for e in named), len(named)
        n = len({session_of(e) for e in named})
    elif kind == "returning":
        seen: dict[str, dict[str, datetime]] = defaultdict(dict)  # participant -> session -> first time
        for e in sorted(events, key=parse_time):
            if e.get("distinct_id"):
                seen[e["distinct_id"]].setdefault(session_of(e), parse_time(e))
        people = {e["distinct_id"] for e in events if e.get("distinct_id") and matches(e, name, where)}
        numerator = sum(_came_back(list(seen[p].values())) for p in people)
        denominator = n = len(people)
    elif kind == "count":
        window = indicator.get("window_days")
        if window:
            since = (now or datetime.now(UTC)) - timedelta(days=float(window))
            events = [e for e in events if parse_time(e) > since]
        numerator, denominator = sum(matches(e, name, where) for e in events), None
        n = len({session_of(e) for e in events})
        value = float(numerator) if events else None
    else:
        raise ValueError(f"indicator {indicator.get('id')!r}: unknown kind {kind!r}")
    if kind in RATIO_KINDS and denominator:
        value, interval = numerator / denominator, wilson(numerator, denominator)
    target, direction = float(indicator["target"]), indicator.get("direction", "at_least")
    minimum = min_sample() if minimum is None else minimum
    if value is None:
        status = "no_data"
    elif n < minimum:
        status = "too_few"
    elif (value <= target) if direction == "at_most" else (value >= target):
        status = "met"
    else:
        status = "not_met"
    return {
        "id": indicator["id"],
        "name": indicator["name"],
        "measures": measures(indicator),
        "kind": kind,
        "event": name,
        "of_event": of_event,
        "where": where,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "n": n,
        "unit": unit,
        "interval": list(interval) if interval else None,
        "min_sample": minimum,
        "target": target,
        "direction": direction,
        "status": status,
    }


def _came_back(session_starts: list[datetime]) -> bool:
    """Seen on two different (UTC) days, or in two sessions that began at least 30 minutes apart."""
    if len({t.astimezone(UTC).date() for t in session_starts}) >= 2:
        return True
    return len(session_starts) >= 2 and max(session_starts) - min(session_starts) >= RETURN_GAP


def report(
    brief: dict[str, Any], events: list[dict], *, minimum: int | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """Every indicator of the brief on the events not made by the team, plus the size of the cohort behind them."""
    beliefs: dict[str, list[str]] = defaultdict(list)
    for hypothesis in brief.get("hypotheses", []):
        beliefs[hypothesis["indicator"]].append(hypothesis["belief"])
    kept = without_team(events)
    indicators = []
    for indicator in brief["indicators"]:
        result = compute(indicator, kept, minimum=minimum, now=now)
        result["hypotheses"] = beliefs.get(indicator["id"], [])
        indicators.append(result)
    variants = Counter(e.get("variant") for e in kept if e.get("variant"))
    return {
        "events": len(kept),
        "team_events": len(events) - len(kept),
        "sessions": len({session_of(e) for e in kept}),
        "participants": len({e["distinct_id"] for e in kept if e.get("distinct_id")}),
        "experiment": next((e["experiment"] for e in kept if e.get("experiment")), None),
        "variant": variants.most_common(1)[0][0] if variants else None,
        "indicators": indicators,
    }


def format_value(result: dict[str, Any], value: float | None = None) -> str:
    value = result["value"] if value is None else value
    if value is None:
        return "-"
    if result["kind"] in RATIO_KINDS:
        return f"{value:.0%}"
    if result["kind"] == "median_seconds":
        return f"{value:.1f} s"
    return f"{value:g}"


def format_interval(result: dict[str, Any]) -> str:
    if not result["interval"]:
        return "exact" if result["kind"] == "count" and result["value"] is not None else "-"
    low, high = result["interval"]
    return f"{format_value(result, low)}-{format_value(result, high)}"


def format_target(result: dict[str, Any]) -> str:
    sign = ">=" if result["direction"] == "at_least" else "<="
    target = result["target"]
    if result["kind"] in RATIO_KINDS:
        return f"{sign} {target:.0%}"
    return f"{sign} {target:g}" + (" s" if result["kind"] == "median_seconds" else "")


def format_counts(result: dict[str, Any]) -> str:
    if result["kind"] == "count":
        return f"{result['numerator']} in {result['n']} sessions"
    if result["kind"] == "median_seconds":
        return f"{result['numerator']} of {result['denominator']} sessions timed"
    unit = {"ratio": result["of_event"] or "events", "share": "events"}.get(result["kind"], result["unit"])
    return f"{result['numerator']}/{result['denominator']} {unit}"


def render_text(data: dict[str, Any]) -> str:
    """A plain text table: indicator, value, counts, interval, target, status; then what each one measures."""
    header = ("Indicator", "Value", "Counts", "95% interval", "Target", "Status")
    rows = [
        (r["name"], format_value(r), format_counts(r), format_interval(r), format_target(r), STATUS_TEXT[r["status"]])
        for r in data["indicators"]
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    team = f" ({data['team_events']} team events left out)" if data.get("team_events") else ""
    lines = [
        f"{data['events']} events, {data['sessions']} sessions, {data['participants']} participants{team}",
        "",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines += ["", "What each indicator measures:"] + [f"  {r['name']}: {r['measures']}" for r in data["indicators"]]
    hypotheses = [(h, r) for r in data["indicators"] for h in r.get("hypotheses", [])]
    if hypotheses:
        lines += ["", "Hypotheses:"]
        lines += [f"  [{STATUS_TEXT[r['status']]}] {h} ({r['name']})" for h, r in hypotheses]
    if any(r["status"] == "too_few" for r in data["indicators"]):
        minimum = data["indicators"][0]["min_sample"]
        lines += ["", f"TOO FEW: fewer than {minimum} sessions or participants (ANALYTICS_MIN_SAMPLE) behind it."]
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
        end = datetime.combine(day, datetime.max.time(), tzinfo=UTC)
        series.append((day, report(brief, upto, now=end)))
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


def _axis_top(kind: str, values: list[float]) -> float:
    """Ratios run from 0 to 100%, never beyond; other values get 10% headroom."""
    return 1.0 if kind in RATIO_KINDS else (max(values) * 1.1 or 1.0)


def _html_chart(brief: dict[str, Any], series: list[tuple[date, dict[str, Any]]]) -> str:
    width, height, pad = 560, 180, 36
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Indicators over time</title>",
        (
            "<style>body{font-family:sans-serif;max-width:640px;margin:2em auto}svg{background:#fafafa}"
            ".met{color:#1a7f37}.not_met{color:#b42318}.no_data,.too_few{color:#666}</style>"
        ),
        "<h1>Indicators over time</h1><p>Each point: the indicator on all events up to the end of that day.</p>",
    ]
    for index, indicator in enumerate(brief["indicators"]):
        points = _points(series, index)
        latest = series[-1][1]["indicators"][index] if series else compute(indicator, [])
        top = _axis_top(indicator["kind"], [v for _, v in points if v is not None] + [float(indicator["target"])])
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
            f"<h2>{html.escape(indicator['name'])}</h2><p>{html.escape(latest['measures'])}</p>"
            f"<p class='{latest['status']}'>{html.escape(format_value(latest))} "
            f"({html.escape(format_counts(latest))}, 95% interval {html.escape(format_interval(latest))}), target "
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
        from matplotlib import dates, ticker
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
        ax.set_ylim(0, _axis_top(indicator["kind"], [v for _, v in points] + [float(indicator["target"])]))
        if indicator["kind"] in RATIO_KINDS:
            ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
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
    import analytics  # the store's location follows the same settings as the app that records

    parser = argparse.ArgumentParser(description="Compute this prototype's leading indicators from its events.")
    parser.add_argument("--events", help="event store (.jsonl or .db); default: ANALYTICS_PATH or .analytics/")
    parser.add_argument("--brief", default=str(BRIEF_PATH), help="discovery brief (default .scaffold/brief.json)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--chart", metavar="PATH", help="also write a chart over time: .html or .png")
    args = parser.parse_args(list(argv) if argv is not None else None)
    brief = load_brief(args.brief)
    try:
        events = read_store(args.events or analytics.store_path())
    except (analytics.AnalyticsConfigError, StoreError) as error:
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
