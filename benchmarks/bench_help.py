"""`scaffold --help` wall time, beside `copier --version` in the same run.

Target (from the issue): at most 0.15 s median, and well under Copier's (here: at most half of it).
Also reports where start-up time goes (`python -X importtime`), so a miss points at the import to make lazy.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from _common import Report, clean_env, copier_command, parser, run, scaffold_command, scratch, time_command

HELP_LIMIT_S = 0.15
#: "Well under Copier's": scaffold's median help time at most this fraction of `copier --version`.
COPIER_FRACTION = 0.5

_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|(\s+)(\S+)")


def top_imports(env: dict[str, str], cwd: Path, limit: int = 8) -> list[dict[str, object]]:
    """The slowest imports of `scaffold --help` two levels deep, by cumulative time (one run, indicative)."""
    _, extra = scaffold_command()
    proc = run([sys.executable, "-X", "importtime", "-m", "scaffolder", "--help"], cwd=cwd, env={**env, **extra})
    rows = []
    for line in proc.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if match and len(match.group(3)) <= 3:  # indent 1: imported by the program; 3: by one of those
            depth = 1 if len(match.group(3)) == 1 else 2
            rows.append({"module": match.group(4), "depth": depth, "cumulative_ms": int(match.group(2)) / 1000})
    rows.sort(key=lambda r: -float(r["cumulative_ms"]))  # type: ignore[arg-type]
    return rows[:limit]


def main() -> int:
    args = parser(__doc__.splitlines()[0], repeat=21).parse_args()
    report = Report("bench_help", "`scaffold --help` start-up beside `copier --version`")
    scaffold, extra = scaffold_command()
    env = clean_env(**extra)
    with scratch("help") as tmp:
        cwd = Path(tmp)
        # Interleave the two commands run by run, so that both see the same machine noise.
        help_times: list[float] = []
        version_times: list[float] = []
        copier_times: list[float] = []
        for i in range(-1, args.repeat):
            h = time_command([*scaffold, "--help"], repeat=1, warmup=0, cwd=cwd, env=env)
            v = time_command([*scaffold, "--version"], repeat=1, warmup=0, cwd=cwd, env=env)
            c = time_command([*copier_command(), "--version"], repeat=1, warmup=0, cwd=cwd, env=env)
            if i >= 0:  # run -1 is the warm-up (writes the bytecode caches)
                help_times += h
                version_times += v
                copier_times += c
        imports = top_imports(env, cwd)
    help_stats = report.add("scaffold --help", help_times)
    report.add("scaffold --version", version_times)
    copier_stats = report.add("copier --version", copier_times)
    report.target("scaffold --help median", help_stats["median"], HELP_LIMIT_S, " s")
    ratio = help_stats["median"] / copier_stats["median"]
    report.target("scaffold --help / copier --version (medians)", ratio, COPIER_FRACTION, "x")
    report.extra["top_imports_help"] = imports
    report.notes.append(
        "slowest imports of `scaffold --help` (cumulative): "
        + ", ".join(f"{r['module']} {r['cumulative_ms']:.0f} ms" for r in imports[:6])
    )
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
