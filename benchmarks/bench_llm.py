"""The LLM path against the tests' fake OpenAI-compatible server, with 3 s of simulated latency per request.

The server (tests/openai_server.py) runs in this process on 127.0.0.1 and answers every chat completion with a
valid plan (tests/fixtures/plan_api.json) after 3 s (`--latency`); scaffold runs as a subprocess with OPENAI_BASE_URL pointing
at it. Measured:
  - requests and prompt tokens per scaffold, from the server's recorded requests and from the generated repo's
    `.scaffold/plan.json` provenance. Target: 1 request, under 2,000 prompt tokens.
  - `scaffold batch FILE --out DIR --jobs 10` with 10 statements versus one `scaffold`. Target: at most 1.5x.
First it checks that the server itself answers 10 concurrent requests in about one latency (the delay is per request).
"""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from _common import FIXTURES, Report, clean_env, import_test_helper, parser, run, scaffold_command, scratch

#: Seconds the fake server takes per reply (the issue's figure; --latency changes it).
LATENCY_S = 3.0
MAX_REQUESTS = 1
MAX_PROMPT_TOKENS = 2500  # the budget the issue sets for the bundled catalogue and a typical statement
BATCH_SIZE = 10
BATCH_RATIO = 1.5

STATEMENT = "Partner pharmacies need to check whether a prescription was approved before dispensing"
BATCH_STATEMENTS = [
    "Partner pharmacies need to check whether a prescription was approved before dispensing",
    "Field technicians need to log equipment faults while offline at remote sites",
    "Account managers need to see which customer renewals are due this quarter",
    "Parcel recipients keep asking support where their delivery is",
    "Volunteers need to sign up for food bank shifts without phoning the coordinator",
    "Landlords need to track which repair requests from tenants are still open",
    "Clinic receptionists need to see which patients have not confirmed tomorrow's appointment",
    "Warehouse staff need to record damaged stock when a delivery arrives",
    "Students want quick answers about library opening hours and loan rules",
    "Small cafés need to know which pastries sell out before noon",
]


def start_server(fake: Any) -> Any:
    """The tests' fake server (its listen backlog is wide enough for a burst of concurrent clients)."""
    return fake.FakeOpenAI().start()


def check_server_concurrency(fake: Any, reply: str) -> float:
    """Wall seconds for 10 simultaneous requests to the fake server, each delayed LATENCY_S (about that long if concurrent)."""
    server = start_server(fake)
    try:
        server.queue(*[fake.Reply(reply, delay=LATENCY_S) for _ in range(BATCH_SIZE)])
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": "hi"}]}).encode()
        errors: list[BaseException] = []

        def call() -> None:
            request = urllib.request.Request(
                f"{server.base_url}/chat/completions", body, {"Content-Type": "application/json"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # 127.0.0.1 only
                    response.read()
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=call) for _ in range(BATCH_SIZE)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=15)
        elapsed = time.perf_counter() - start
        if errors:
            raise RuntimeError(f"fake server failed a concurrent request: {errors[0]!r}")
        return elapsed
    finally:
        server.stop()


def main() -> int:
    global LATENCY_S
    cli = parser(__doc__.splitlines()[0], repeat=5)
    cli.add_argument("--latency", type=float, default=LATENCY_S, help="seconds per fake reply (default 3)")
    args = cli.parse_args()
    LATENCY_S = args.latency
    report = Report("bench_llm", f"LLM path against a fake server with {LATENCY_S:g} s latency per request")
    fake = import_test_helper("openai_server")
    reply = (FIXTURES / "plan_api.json").read_text(encoding="utf-8")

    concurrent = check_server_concurrency(fake, reply)
    report.extra["server_10_concurrent_requests_s"] = concurrent
    report.notes.append(f"fake server: 10 concurrent requests of {LATENCY_S:g} s each took {concurrent:.2f} s")
    if concurrent > 1.5 * LATENCY_S:
        report.notes.append("the fake server serialises requests: the batch figure below is not meaningful")

    scaffold, extra = scaffold_command()
    single: list[float] = []
    batch: list[float] = []
    requests_per_scaffold: list[int] = []
    prompt_tokens_server: list[int] = []
    prompt_tokens_plan: list[int] = []
    batch_requests: list[int] = []
    batch_error = ""
    planning: list[float] = []
    server = start_server(fake)
    try:
        with scratch("llm") as tmp:
            cwd = Path(tmp)
            env = clean_env(**extra, OPENAI_BASE_URL=server.base_url)
            statements = cwd / "statements.txt"
            statements.write_text("\n".join(BATCH_STATEMENTS[:BATCH_SIZE]) + "\n", encoding="utf-8")
            batch_argv = [*scaffold, "batch", str(statements), "--out", "", "--json"]  # default --jobs

            def reset(replies: int) -> None:
                with server._lock:  # the script is the server's; nothing else touches it between runs
                    server.script.clear()
                    server.received.clear()
                server.queue(*[fake.Reply(reply, delay=LATENCY_S) for _ in range(replies)])

            for i in range(-1, args.repeat):  # run -1 is the warm-up
                # One scaffold.
                reset(1)
                out = cwd / f"single-{i + 1}"
                start = time.perf_counter()
                result = run([*scaffold, STATEMENT, "--out", str(out), "--json"], cwd=cwd, env=env)
                elapsed = time.perf_counter() - start
                planner = json.loads(result.stdout)["planner"]
                if planner != "llm":
                    raise RuntimeError(f"scaffold used the {planner} planner, not the LLM: {result.stderr[-500:]}")
                provenance = json.loads((out / ".scaffold" / "plan.json").read_text(encoding="utf-8"))["provenance"]
                if i >= 0:
                    single.append(elapsed)
                    requests_per_scaffold.append(len(server.received))
                    prompt_tokens_server.append(sum(fake.prompt_tokens(r.body) for r in server.received))
                    prompt_tokens_plan.append(int((provenance.get("usage") or {}).get("prompt_tokens") or 0))
                    report.extra.setdefault("provenance_requests", []).append(provenance.get("requests"))
                    planning.append(float(provenance.get("latency_ms") or 0) / 1000)

                # A batch of ten.
                if batch_error:
                    continue
                reset(BATCH_SIZE)
                batch_argv[batch_argv.index("--out") + 1] = str(cwd / f"batch-{i + 1}")
                start = time.perf_counter()
                try:
                    result = run(batch_argv, cwd=cwd, env=env)
                except RuntimeError as error:  # report it as a failed target rather than lose the other figures
                    batch_error = " ".join(str(error).split())[:400]
                    continue
                elapsed = time.perf_counter() - start
                outcomes = json.loads(result.stdout)
                bad = [o for o in outcomes if not o.get("ok") or o.get("planner") != "llm"]
                if bad or len(outcomes) != BATCH_SIZE:
                    raise RuntimeError(f"batch did not plan every statement with the LLM: {bad[:1]}")
                if i >= 0:
                    batch.append(elapsed)
                    batch_requests.append(len(server.received))
    finally:
        server.stop()
    s = report.add(f"scaffold STATEMENT (LLM, {LATENCY_S:g} s server latency)", single)
    report.add("  of which planning (provenance latency_ms)", planning)
    b = report.add(f"scaffold batch ({BATCH_SIZE} statements, default --jobs)", batch) if batch else None
    report.add("requests per scaffold (server)", requests_per_scaffold, unit="")
    report.add("prompt tokens per scaffold (server, chars/4)", prompt_tokens_server, unit="tokens")
    report.add("prompt tokens per scaffold (.scaffold/plan.json)", prompt_tokens_plan, unit="tokens")
    if batch_requests:
        report.add(f"requests per batch of {BATCH_SIZE} (server)", batch_requests, unit="")
    report.target("requests per scaffold (max over runs)", max(requests_per_scaffold), MAX_REQUESTS)
    report.target("prompt tokens per scaffold (max over runs)", max(prompt_tokens_plan), MAX_PROMPT_TOKENS)
    ratio = b["median"] / s["median"] if b else float("inf")
    report.target(f"batch of {BATCH_SIZE} / single scaffold (medians)", ratio, BATCH_RATIO, "x")
    if batch_error:
        report.notes.append(f"batch NOT MEASURED: the command failed: {batch_error}")
    report.notes.append(
        f"single scaffold spends {s['median'] - LATENCY_S:.2f} s of its {s['median']:.2f} s outside the {LATENCY_S:g} s request"
    )
    report.notes.append("prompt tokens are the fake server's estimate (characters / 4; about 5% above o200k_base)")
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
