"""Request latency of the generated API prototype with analytics on (jsonl sink) versus off (ANALYTICS_SINKS=none).

The prototype is rendered from tests/fixtures/plan_api.json with `scaffolder.pipeline.write`, then started twice
with `python -m app` on free 127.0.0.1 ports: analytics on (events to a temporary jsonl file) and off. Each round
starts both fresh, sends a warm-up, then a fixed mix of list / get / create calls, each request to both servers
back to back (alternating which goes first) over one keep-alive connection per server (http.client), timing each
with `time.perf_counter`. Pairing the requests cancels most noise from other work on the machine. Every loop is
bounded in count and in time.

Target (from the issue): median per-request latency with analytics on at most 1.05x of off.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from _common import FIXTURES, Report, clean_env, import_test_helper, parser, scratch, use_scaffolder_in_process

TARGET_RATIO = 1.05
HOST = "127.0.0.1"
WARMUP_REQUESTS = 200
START_TIMEOUT_S = 30.0
RUN_TIMEOUT_S = 60.0  # per run of requests: a stuck server fails the benchmark instead of hanging it
HEADERS = {"Content-Type": "application/json", "X-Session-Id": "bench-session", "X-Participant-Id": "bench"}


def render_prototype(dest: Path) -> dict[str, Any]:
    """Write the API prototype for the fixture plan; returns its first resource (name, plural, key, samples)."""
    use_scaffolder_in_process()
    from scaffolder.catalog import Catalog
    from scaffolder.pipeline import write
    from scaffolder.plan import Plan

    plan = Plan.model_validate_json((FIXTURES / "plan_api.json").read_text(encoding="utf-8"))
    write(plan, Catalog(), dest)
    return plan.answers["resources"][0]


def request_mix(resource: dict[str, Any], count: int) -> list[tuple[str, str, bytes | None]]:
    """A fixed, repeatable mix: 40% list (filtered by the key, so the reply stays small), 40% get one record by
    its natural key, 20% create (each with a new key: a key is unique)."""
    plural, key = resource["plural"], resource["key"]
    samples = resource["samples"]
    list_path = f"/{plural}?{urlencode({key: samples[0][key]})}"
    mix: list[tuple[str, str, bytes | None]] = []
    for i in range(count):
        slot = i % 5
        if slot in (0, 2):
            mix.append(("GET", list_path, None))
        elif slot in (1, 3):
            mix.append(("GET", f"/{plural}/{quote(str(samples[i % len(samples)][key]), safe='')}", None))
        else:
            mix.append(("POST", f"/{plural}", json.dumps({**samples[-1], key: f"bench-{i}"}).encode()))
    return mix


def drive(ports: dict[str, int], mix: list[tuple[str, str, bytes | None]], warmup: int) -> dict[str, list[float]]:
    """Send the mix to every server (one keep-alive connection each), request by request, alternating which server
    goes first; per-request seconds after the first `warmup` requests, by server."""
    conns = {mode: http.client.HTTPConnection(HOST, port, timeout=10) for mode, port in ports.items()}
    deadline = time.monotonic() + RUN_TIMEOUT_S
    times: dict[str, list[float]] = {mode: [] for mode in ports}
    names = list(ports)
    try:
        for i, (method, path, body) in enumerate(mix):
            if time.monotonic() > deadline:
                raise RuntimeError(f"a run took longer than {RUN_TIMEOUT_S:g} s")
            for mode in names if i % 2 == 0 else reversed(names):
                conn = conns[mode]
                start = time.perf_counter()
                conn.request(method, path, body=body, headers=HEADERS)
                response = conn.getresponse()
                response.read()
                elapsed = time.perf_counter() - start
                if response.status >= 400:
                    raise RuntimeError(f"{method} {path} answered {response.status} ({mode})")
                if i >= warmup:
                    times[mode].append(elapsed)
    finally:
        for conn in conns.values():
            conn.close()
    return times


def time_track(repo: Path, path: Path, env: dict[str, str], calls: int = 2000) -> float:
    """Microseconds per `analytics.track` call with the jsonl sink, in the generated repo (context for the ratio)."""
    code = (
        "import time, analytics\n"
        f"n = {calls}\n"
        "start = time.perf_counter()\n"
        "for i in range(n):\n"
        "    analytics.track('resource_viewed', session_id='s', distinct_id='d', resource='r', record_id=i)\n"
        "print((time.perf_counter() - start) / n * 1e6)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo,
        env={**env, "ANALYTICS_PATH": str(path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return float(proc.stdout.strip())


def main() -> int:
    p = parser(__doc__.splitlines()[0], repeat=8)  # latency medians are noisy on 2 cores: 8 paired rounds
    p.add_argument("--requests", type=int, default=2000, help="timed requests per run (default 2000)")
    args = p.parse_args()
    report = Report("bench_api_latency", "generated API prototype: analytics on (jsonl) versus off")
    on: list[float] = []
    off: list[float] = []
    per_round: list[float] = []
    events_written = 0
    with scratch("api") as tmp:
        repo = Path(tmp) / "prototype"
        resource = render_prototype(repo)
        mix = request_mix(resource, WARMUP_REQUESTS + args.requests)
        events = Path(tmp) / "events.jsonl"
        base = clean_env()
        modes = {"on": {**base, "ANALYTICS_PATH": str(events)}, "off": {**base, "ANALYTICS_SINKS": "none"}}
        servers = import_test_helper("prototype_server")
        # Warm the bytecode caches of the generated app once, untimed.
        with servers.running_prototype(repo, modes["off"], timeout=START_TIMEOUT_S) as warm:
            drive({"off": warm.port}, mix[:50], warmup=0)
        for _ in range(args.repeat):
            # Both servers run at once and each request goes to both, back to back, in alternating order: a paired
            # design, so that load from elsewhere on the machine hits the two modes alike.
            with contextlib.ExitStack() as running:
                ports = {
                    mode: running.enter_context(servers.running_prototype(repo, env, timeout=START_TIMEOUT_S)).port
                    for mode, env in modes.items()
                }
                times = drive(ports, mix, WARMUP_REQUESTS)
            on.extend(times["on"])
            off.extend(times["off"])
            per_round.append(statistics.median(times["on"]) / statistics.median(times["off"]))
        track_us = time_track(repo, events.with_name("track.jsonl"), base)
        if events.exists():
            with events.open("rb") as handle:
                events_written = sum(1 for _ in handle)
    expected = args.repeat * len(mix)  # every request records one event
    if events_written < expected:
        report.notes.append(f"only {events_written} events were written for {expected} requests with analytics on")
    ms_on = report.add("per-request latency, analytics on (jsonl)", [t * 1000 for t in on], unit="ms")
    ms_off = report.add("per-request latency, analytics off (none)", [t * 1000 for t in off], unit="ms")
    ratio = ms_on["median"] / ms_off["median"]
    report.target("latency on / off (medians)", ratio, TARGET_RATIO, "x")
    report.notes.append(f"one analytics.track call with the jsonl sink costs {track_us:.0f} µs in-process")
    report.extra.update(
        {
            "track_us_per_call": track_us,
            "ratio_p90": ms_on["p90"] / ms_off["p90"],
            "ratio_per_round": per_round,
            "events_written": events_written,
            "requests_per_run": len(mix) - WARMUP_REQUESTS,
            "rounds": args.repeat,
            "mix": "40% GET list (filtered), 40% GET one by key, 20% POST create",
        }
    )
    report.notes.append(
        f"p90 ratio {ms_on['p90'] / ms_off['p90']:.3f}x; per-round median ratios "
        + ", ".join(f"{r:.3f}" for r in per_round)
        + f"; {events_written} events written with analytics on"
    )
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
