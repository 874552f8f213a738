"""Shared helpers for the benchmarks: how to run scaffold and Copier as a user would, and how to report.

Every benchmark runs the real commands as subprocesses from a temporary folder, with a clean environment (no
OPENAI_*, no SCAFFOLD_*, bytecode caches allowed), warms up once, then times N runs with `time.perf_counter`
around `subprocess.run`. Figures go to stdout as a small table and to `benchmarks/results/<name>.json`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
FIXTURES = REPO / "tests" / "fixtures"

#: Environment variables that would change what scaffold or Copier do, dropped from every child environment.
_DROPPED_PREFIXES = ("OPENAI_", "SCAFFOLD_", "COPIER_", "ANALYTICS_")
_DROPPED = {"PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONPROFILEIMPORTTIME", "VIRTUAL_ENV"}

#: Longest any single timed command may take before the benchmark gives up on it.
COMMAND_TIMEOUT = 120.0


def scaffolder_installed() -> bool:
    """True when `scaffolder` is importable without the source checkout on sys.path (a real install)."""
    return importlib.util.find_spec("scaffolder") is not None


def use_scaffolder_in_process() -> None:
    """Make `import scaffolder` work here: the installed package if any, else the source checkout."""
    if not scaffolder_installed():
        sys.path.append(str(REPO))


def import_test_helper(name: str) -> Any:
    """A helper module of the test suite (tests/openai_server.py, tests/prototype_server.py), reused as is."""
    tests_dir = str(REPO / "tests")
    if tests_dir not in sys.path:
        sys.path.append(tests_dir)
    return importlib.import_module(name)


def _bin(name: str) -> str | None:
    """A console script beside this interpreter (the venv's), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def scaffold_command() -> tuple[list[str], dict[str, str]]:
    """How to run scaffold: the installed console script, else `python -m scaffolder` on the source checkout."""
    script = _bin("scaffold")
    if script:
        return [script], {}
    extra = {} if scaffolder_installed() else {"PYTHONPATH": str(REPO)}
    return [sys.executable, "-m", "scaffolder"], extra


def copier_command() -> list[str]:
    script = _bin("copier")
    return [script] if script else [sys.executable, "-m", "copier"]


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that configures scaffold, Copier, or disables bytecode caches."""
    env = {
        k: v for k, v in os.environ.items() if k not in _DROPPED and not any(k.startswith(p) for p in _DROPPED_PREFIXES)
    }
    env.update(extra)
    return env


def run(
    cmd: Sequence[str], *, cwd: Path, env: dict[str, str], timeout: float = COMMAND_TIMEOUT, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command; raise with its stderr when it fails (a benchmark of a failing command measures nothing)."""
    proc = subprocess.run(
        list(cmd), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, input=input, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return proc


def time_command(
    cmd: Sequence[str] | Callable[[int], Sequence[str]],
    *,
    repeat: int,
    cwd: Path,
    env: dict[str, str],
    warmup: int = 1,
    before: Callable[[int], None] | None = None,
) -> list[float]:
    """Wall seconds of `repeat` runs after `warmup` untimed ones; `cmd` and `before` may depend on the run index.

    `before(i)` runs outside the timed section (e.g. to pick a fresh output folder).
    """
    times: list[float] = []
    for i in range(-warmup, repeat):
        if before:
            before(i)
        argv = cmd(i) if callable(cmd) else cmd
        start = time.perf_counter()
        run(argv, cwd=cwd, env=env)
        elapsed = time.perf_counter() - start
        if i >= 0:
            times.append(elapsed)
    return times


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def stats(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "median": statistics.median(values),
        "p90": percentile(values, 90),
        "min": min(values),
        "max": max(values),
    }


@dataclass
class Target:
    """One bar from the issue: `value` compared with `limit` (at most, unless `at_least`)."""

    name: str
    value: float
    limit: float
    unit: str = ""
    at_least: bool = False

    @property
    def passed(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    @property
    def ratio(self) -> float:
        return self.value / self.limit if self.limit else float("inf")

    def row(self) -> dict[str, Any]:
        return {**asdict(self), "ratio_to_target": round(self.ratio, 3), "passed": self.passed}


@dataclass
class Report:
    """What one benchmark found: rows of timings, targets, notes; printed and saved as JSON."""

    name: str
    description: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    load_at_start: float | None = field(default_factory=lambda: load_average())

    def add(self, label: str, values: Sequence[float], unit: str = "s", **info: Any) -> dict[str, float]:
        summary = stats(values)
        self.rows.append({"label": label, "unit": unit, **summary, **info})
        return summary

    def target(self, name: str, value: float, limit: float, unit: str = "", at_least: bool = False) -> Target:
        target = Target(name, value, limit, unit, at_least)
        self.targets.append(target)
        return target

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.targets)

    def print(self) -> None:
        load, cpus = self.load_at_start, os.cpu_count() or 1
        if load is not None and load > 0.75 * cpus:
            self.notes.append(
                f"the machine was busy before the run (1-minute load average {load:.1f} on {cpus} CPUs): "
                "figures are noisier than on a quiet machine"
            )
        print(f"\n## {self.name}: {self.description}\n")
        if self.rows:
            print(f"| {'measurement':<52} | {'n':>4} | {'median':>10} | {'p90':>10} | {'min':>10} |")
            print(f"|{'-' * 54}|{'-' * 6}|{'-' * 12}|{'-' * 12}|{'-' * 12}|")
            for row in self.rows:
                fmt = _fmt(row["unit"])
                print(
                    f"| {row['label']:<52} | {row['n']:>4} | {fmt(row['median']):>10} | {fmt(row['p90']):>10} "
                    f"| {fmt(row['min']):>10} |"
                )
        print()
        for t in self.targets:
            op = ">=" if t.at_least else "<="
            print(
                f"{'PASS' if t.passed else 'FAIL'}  {t.name}: {_num(t.value)}{t.unit} (target {op} {_num(t.limit)}{t.unit};"
                f" {t.ratio:.2f}x the target)"
            )
        for note in self.notes:
            print(f"note: {note}")

    def save(self) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.name}.json"
        payload = {
            "benchmark": self.name,
            "description": self.description,
            "passed": self.passed,
            "rows": self.rows,
            "targets": [t.row() for t in self.targets],
            "notes": self.notes,
            "extra": self.extra,
            "machine": {**machine(), "load_average_1m_at_start": self.load_at_start},
        }
        path.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        return path

    def finish(self) -> int:
        """Print, save, and return the exit status (0 when every target passed)."""
        self.print()
        path = self.save()
        print(f"\nfigures written to {path.relative_to(REPO)}")
        return 0 if self.passed else 1


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _fmt(unit: str) -> Callable[[float], str]:
    if unit == "s":
        return lambda v: f"{v:.3f} s"
    if unit == "ms":
        return lambda v: f"{v:.3f} ms"
    return lambda v: f"{v:,.0f} {unit}".strip()


def load_average() -> float | None:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def machine() -> dict[str, Any]:
    scaffold, _ = scaffold_command()
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_1m_at_end": load_average(),
        "scaffold_command": " ".join(scaffold),
        "copier_command": " ".join(copier_command()),
    }


def parser(description: str, repeat: int) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--repeat", "-n", type=int, default=repeat, help=f"timed runs per command (default {repeat})")
    return p


def scratch(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """A temporary working folder; everything a benchmark writes goes there."""
    return tempfile.TemporaryDirectory(prefix=f"scaffold-bench-{prefix}-")
