"""Run every benchmark, one after the other, then print a Markdown table of the targets for the README.

    python benchmarks/run_all.py                # all of them (about 6 minutes on 2 cores)
    python benchmarks/run_all.py --only help    # the ones whose name contains "help"
    python benchmarks/run_all.py --quick        # fewer repetitions: a smoke run, not figures to quote

Each benchmark runs as its own process (with this interpreter) and writes benchmarks/results/<name>.json; the
table is built from those files. Exit status 0 when every target passed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
BENCHMARKS = ["bench_help", "bench_offline", "bench_llm", "bench_api_latency", "bench_start"]
QUICK = {
    "bench_help": ["-n", "5"],
    "bench_offline": ["-n", "2"],
    "bench_llm": ["-n", "1"],
    "bench_api_latency": ["-n", "1"],
    "bench_start": ["-n", "1"],
}
TIMEOUT_S = 600


def _value(value: float, unit: str) -> str:
    unit = unit.strip()
    if value == float("inf"):
        return "not measured"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "x":
        return f"{value:.2f}x"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _row_value(value: float, unit: str) -> str:
    return f"{value:.3f} {unit}" if unit in ("s", "ms") else f"{value:,.0f} {unit}".strip()


def markdown(results: list[dict]) -> str:
    """Two tables: every target with its figure, and every timing row with median and p90."""
    lines = ["| Benchmark | Target | Measured | Bar | Result |", "|---|---|---|---|---|"]
    for result in results:
        for t in result["targets"]:
            op = "≥" if t["at_least"] else "≤"
            lines.append(
                f"| {result['benchmark']} | {t['name']} | {_value(t['value'], t['unit'])} "
                f"| {op} {_value(t['limit'], t['unit'])} | {'PASS' if t['passed'] else '**FAIL**'} |"
            )
    lines += ["", "| Benchmark | Measurement | n | Median | p90 |", "|---|---|---|---|---|"]
    for result in results:
        for row in result["rows"]:
            median, p90 = (_row_value(row[k], row["unit"]) for k in ("median", "p90"))
            lines.append(f"| {result['benchmark']} | {row['label'].strip()} | {row['n']} | {median} | {p90} |")
    if results:
        m = results[0].get("machine", {})
        lines += [
            "",
            f"Python {m.get('python')}, {m.get('cpus')} CPUs, {m.get('platform')}; `{m.get('scaffold_command')}`.",
        ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="run only the benchmarks whose name contains this text")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    args = p.parse_args()
    chosen = [b for b in BENCHMARKS if not args.only or args.only in b]
    results: list[dict] = []
    failures: list[str] = []
    for name in chosen:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        result_file = RESULTS_DIR / f"{name}.json"
        result_file.unlink(missing_ok=True)
        argv = [sys.executable, str(BENCH_DIR / f"{name}.py"), *(QUICK[name] if args.quick else [])]
        try:
            proc = subprocess.run(argv, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            failures.append(f"{name}: timed out after {TIMEOUT_S} s")
            continue
        print(f"({name} took {time.perf_counter() - started:.0f} s)", flush=True)
        if not result_file.exists():
            failures.append(f"{name}: exited {proc.returncode} without results")
            continue
        results.append(json.loads(result_file.read_text(encoding="utf-8")))
    print("\n" + markdown(results))
    for failure in failures:
        print(f"\nERROR {failure}")
    passed = not failures and all(r["passed"] for r in results)
    print(f"\n{'All targets passed.' if passed else 'Some targets were missed (see above).'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
