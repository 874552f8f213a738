"""Offline end to end (plan, render, commit) per blueprint, beside a bare `copier copy` with the same answers.

For each bundled blueprint, in the same run and interleaved run by run:
  scaffold --offline --blueprint B "<statement>" --out X           (plan + two Copier layers + plan.json + git commit)
  copier copy --defaults --data-file answers.yml BLUEPRINT X       (bare Copier, the blueprint layer only)
  the same, then the kit layer with --answers-file .copier-answers.shared.yml  (what scaffold renders, minus git)
The answers come from `scaffold --dry-run --json` through `scaffolder.pipeline.copier_answers` and `kit_answers`,
and Copier renders the very folders scaffold uses (from `scaffold blueprints --json`).

Target (from the issue): scaffold at most 1.0x the bare single-layer Copier command, though it also plans and commits.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from _common import (
    Report,
    clean_env,
    copier_command,
    parser,
    run,
    scaffold_command,
    scratch,
    use_scaffolder_in_process,
)

TARGET_RATIO = 1.0
KIT_ANSWERS_FILE = ".copier-answers.shared.yml"

STATEMENTS = {
    "api": "Partner pharmacies need to check whether a prescription was approved before dispensing",
    "streamlit": "Account managers need to see which customer renewals are due this quarter and which are at risk",
    "chatbot": "Parcel recipients keep asking support where their delivery is and how to reschedule it",
}


def answers_for(plan_data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(blueprint layer answers, kit layer answers), exactly as scaffold computes them."""
    use_scaffolder_in_process()
    from scaffolder.catalog import Catalog
    from scaffolder.pipeline import copier_answers, kit_answers
    from scaffolder.plan import Plan

    plan = Plan.model_validate(plan_data)
    blueprint = Catalog().get(plan.blueprint)
    return copier_answers(plan, blueprint), kit_answers(plan, blueprint)


#: One scaffold, phase by phase, in a fresh interpreter (scaffold's internals: indicative, not a contract).
_PHASES = """
import json, sys, tempfile, time
from pathlib import Path
t = [time.perf_counter()]
import scaffolder.cli
t.append(time.perf_counter())
from scaffolder.catalog import Catalog, shared_kit_path
from scaffolder.pipeline import copier_answers, kit_answers
from scaffolder.planners import offline
from scaffolder import render, repo
catalog = Catalog()
plan = offline.plan(sys.argv[2], catalog, blueprint=sys.argv[1])
blueprint = catalog.get(plan.blueprint)
t.append(time.perf_counter())
import copier
t.append(time.perf_counter())
out = Path(tempfile.mkdtemp(dir=sys.argv[3])) / "x"
render.copier_copy(blueprint.path, out, copier_answers(plan, blueprint))
t.append(time.perf_counter())
render.copier_copy(shared_kit_path(), out, kit_answers(plan, blueprint), render.SHARED_ANSWERS_FILE)
t.append(time.perf_counter())
repo.commit_all(out, "benchmark")
t.append(time.perf_counter())
names = ["import scaffolder.cli", "import planner, catalog + plan", "import copier", "render blueprint layer",
         "render kit layer", "git init + add + commit (GitPython)"]
print(json.dumps({n: t[i + 1] - t[i] for i, n in enumerate(names)}))
"""


def phases(name: str, statement: str, cwd: Path, env: dict[str, str], runs: int = 3) -> dict[str, float]:
    """Median seconds per phase of one scaffold over `runs` fresh interpreters (after one warm-up)."""
    import statistics
    import sys

    samples: list[dict[str, float]] = []
    for i in range(runs + 1):
        proc = run([sys.executable, "-c", _PHASES, name, statement, str(cwd)], cwd=cwd, env=env)
        if i:
            samples.append(json.loads(proc.stdout))
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def files_in(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


def timed(argvs: list[list[str]], cwd: Path, env: dict[str, str]) -> float:
    """Wall seconds of running the commands one after the other."""
    import time

    start = time.perf_counter()
    for argv in argvs:
        run(argv, cwd=cwd, env=env)
    return time.perf_counter() - start


def main() -> int:
    args = parser(__doc__.splitlines()[0], repeat=8).parse_args()
    report = Report("bench_offline", "offline scaffold (plan, render, commit) beside bare `copier copy`")
    scaffold, extra = scaffold_command()
    copier = copier_command()
    env = clean_env(**extra)
    worst = 0.0
    with scratch("offline") as tmp:
        cwd = Path(tmp)
        listing = json.loads(run([*scaffold, "blueprints", "--json"], cwd=cwd, env=env).stdout)
        paths = {b["name"]: Path(b["path"]) for b in listing}
        for name, statement in STATEMENTS.items():
            if name not in paths:
                report.notes.append(f"blueprint {name} not found; skipped")
                continue
            source, kit = paths[name], paths[name].parent / "_shared"
            dry = run([*scaffold, "--offline", "-b", name, statement, "--dry-run", "--json"], cwd=cwd, env=env)
            blueprint_answers, kit_answers = answers_for(json.loads(dry.stdout)["plan"])
            data, kit_data = cwd / f"{name}-answers.yml", cwd / f"{name}-kit-answers.yml"
            data.write_text(yaml.safe_dump(blueprint_answers, allow_unicode=True), encoding="utf-8")
            kit_data.write_text(yaml.safe_dump(kit_answers, allow_unicode=True), encoding="utf-8")

            def commands(out: str) -> dict[str, list[list[str]]]:
                one = [*copier, "copy", "--defaults", "--data-file", str(data), str(source), f"{out}-copier1"]  # noqa: B023
                kit_layer = [*copier, "copy", "--defaults", "--data-file", str(kit_data)]  # noqa: B023
                kit_layer += ["--answers-file", KIT_ANSWERS_FILE, str(kit), f"{out}-copier2"]  # noqa: B023
                two = [*one[:-1], f"{out}-copier2"]
                return {
                    "scaffold": [[*scaffold, "--offline", "-b", name, statement, "--out", f"{out}-scaffold"]],  # noqa: B023
                    "copier1": [one],
                    "copier2": [two, kit_layer],
                }

            times: dict[str, list[float]] = {"scaffold": [], "copier1": [], "copier2": []}
            for i in range(-1, args.repeat):  # run -1 warms up (bytecode caches, file system)
                for key, argvs in commands(f"{name}-{i + 1}").items():
                    elapsed = timed(argvs, cwd, env)
                    if i >= 0:
                        times[key].append(elapsed)
            # Fairness check: the two-layer Copier render writes the files scaffold writes, bar its plan.json.
            made = files_in(cwd / f"{name}-0-scaffold") - {".scaffold/plan.json"}
            bare = files_in(cwd / f"{name}-0-copier2")
            if made != bare:
                report.notes.append(f"{name}: file sets differ: scaffold only {made - bare}, copier only {bare - made}")
            s = report.add(f"{name}: scaffold --offline (plan+render+commit)", times["scaffold"])
            c1 = report.add(f"{name}: copier copy, blueprint layer", times["copier1"])
            c2 = report.add(f"{name}: copier copy, blueprint + kit layers", times["copier2"])
            ratio = s["median"] / c1["median"]
            worst = max(worst, ratio)
            report.target(f"{name}: scaffold / bare copier (1 layer)", ratio, TARGET_RATIO, "x")
            report.extra[f"{name}_ratio_vs_two_layers"] = s["median"] / c2["median"]
            report.notes.append(
                f"{name}: scaffold is {s['median'] / c2['median']:.2f}x the two-layer Copier equivalent"
            )
            if name == "api":
                try:
                    breakdown = phases(name, statement, cwd, env)
                except RuntimeError as error:  # internals moved: the figures above still stand
                    report.notes.append(f"no phase breakdown: {str(error).splitlines()[-1][:200]}")
                else:
                    report.extra["api_phases_s"] = breakdown
                    report.notes.append(
                        "where one api scaffold's time goes (in-process, median of 3, excluding interpreter start): "
                        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in breakdown.items())
                    )
    report.extra["worst_ratio_single_layer"] = worst
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())
