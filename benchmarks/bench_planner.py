"""Score the offline planner on any statements file: does it read statements it has never seen?

    python benchmarks/bench_planner.py tests/fixtures/statements_tuning.jsonl [more.jsonl ...] [--misses]

Each line is a JSON object with `statement` and, where known, `blueprint` (and optionally `users`). Prints one
table row per file: blueprint accuracy; plans with placeholder rows ("Reassign 01", "Produce 02 (2)"); generic
target users ("People who raised this problem", "We", not from the statement); entities or resources named after
a word that cannot be a noun ("able", "now", "showed"); references that do not resolve (a sample pointing at a key
no record has, a category value outside its choices); bad input; and the time per plan in-process after warm-up.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PLACEHOLDER = re.compile(r"^[A-Z][a-z]+(?: [A-Za-z]+)? \d{1,2}(?: \(\d+\))?$")
CODE = re.compile(r"^[A-Z]{1,4}-\d{4,5}$")
GENERIC_USERS = {"people who raised this problem", "we", "i", "us", "users", "people", "our team"}


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def entity_names(answers: dict[str, Any]) -> list[str]:
    """The names a plan gives its rows, resources and intents (snake_case)."""
    names = [answers[k] for k in ("entity",) if isinstance(answers.get(k), str)]
    names += [r.get("name", "") for r in answers.get("resources") or [] if isinstance(r, dict)]
    names += [i.get("name", "") for i in answers.get("intents") or [] if isinstance(i, dict)]
    return [n for n in names if n]


def coded_columns(answers: dict[str, Any]) -> list[str]:
    """Board columns besides the row's own label whose every value is a made-up code ("RSK-36381"): what a skeptic
    reads as filler where the statement meant a grade, an amount, a rate or a note."""
    label = answers.get("label_column")
    return [
        c.get("name", "")
        for c in answers.get("columns") or []
        if isinstance(c, dict)
        and c.get("name") != label
        and c.get("choices")
        and all(isinstance(v, str) and CODE.match(v) for v in c["choices"])
    ]


def not_a_noun(name: str) -> bool:
    """The head word (last part of a snake_case name) is known to the lexicon and cannot be a noun."""
    from scaffolder.planners.reading import lemmas

    head = name.split("_")[-1]
    if head.endswith("ing"):
        return False  # a gerund names an activity: "parking", "invoicing"
    found = lemmas(head)
    return bool(found) and "NOUN" not in found and "PROPN" not in found


def unresolved(answers: dict[str, Any]) -> list[str]:
    """References that point nowhere: API samples naming a missing key, table values outside their choices."""
    problems: list[str] = []
    resources = [r for r in answers.get("resources") or [] if isinstance(r, dict)]
    keys = {
        r.get("name"): {s.get(r.get("key")) for s in r.get("samples") or [] if isinstance(s, dict)} for r in resources
    }
    for res in resources:
        for field in res.get("fields") or []:
            target = field.get("references") if isinstance(field, dict) else None
            if not target:
                continue
            for sample in res.get("samples") or []:
                value = sample.get(field["name"]) if isinstance(sample, dict) else None
                if value is not None and value not in keys.get(target, set()):
                    problems.append(f"{res.get('name')}.{field['name']} -> {target} {value!r}")
    for column in answers.get("columns") or []:
        if not isinstance(column, dict) or not column.get("choices"):
            continue
        for row in answers.get("rows") or []:
            value = row.get(column.get("name")) if isinstance(row, dict) else None
            if value is not None and value not in column["choices"]:
                problems.append(f"{column.get('name')} {value!r} not in choices")
    return problems


def score(path: Path, misses: bool) -> dict[str, Any]:
    from scaffolder.catalog import Catalog
    from scaffolder.errors import BadInput, ScaffoldError
    from scaffolder.planners import offline

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    catalog = Catalog()
    for row in rows[:3]:  # warm up: imports, the lexicon, Faker
        with contextlib.suppress(BadInput):
            offline.plan(row["statement"], catalog)
    counts = {"labelled": 0, "right": 0, "placeholder": 0, "generic_users": 0, "non_noun": 0, "unresolved": 0}
    counts |= {"coded": 0, "columns": 0}
    counts |= {"bad_input": 0, "failed": 0, "users_right": 0, "users_labelled": 0}
    times: list[float] = []
    notes: list[str] = []
    for row in rows:
        statement = row["statement"]
        start = time.perf_counter()
        try:
            plan = offline.plan(statement, catalog)
        except BadInput:
            counts["bad_input"] += 1
            notes.append(f"bad input: {statement}")
            continue
        except ScaffoldError as error:  # the offline planner must always plan: a failure is a miss, and noted
            counts["failed"] += 1
            counts["labelled"] += bool(row.get("blueprint"))
            notes.append(f"FAILED ({error.message[:120]}): {statement}")
            continue
        times.append(time.perf_counter() - start)
        if row.get("blueprint"):
            counts["labelled"] += 1
            counts["right"] += plan.blueprint == row["blueprint"]
            if plan.blueprint != row["blueprint"]:
                notes.append(f"{row['blueprint']} -> {plan.blueprint}: {statement}")
        users = plan.brief.target_users[0]
        words = re.findall(r"[a-z]{2,}", users.lower())
        from_statement = any(w.rstrip("s")[:-1] in statement.lower() for w in words)
        if users.lower() in GENERIC_USERS or not from_statement:
            counts["generic_users"] += 1
            notes.append(f"generic users {users!r}: {statement}")
        if row.get("users"):
            counts["users_labelled"] += 1
            counts["users_right"] += users.lower() == row["users"].lower()
            if users.lower() != row["users"].lower():
                notes.append(f"users {users!r} (expected {row['users']!r}): {statement}")
        if any(PLACEHOLDER.match(s) for s in strings(plan.answers)):
            counts["placeholder"] += 1
            notes.append(f"placeholder rows: {statement}")
        bad_names = [n for n in entity_names(plan.answers) if not_a_noun(n)]
        if bad_names:
            counts["non_noun"] += 1
            notes.append(f"non-noun entity {bad_names}: {statement}")
        coded = coded_columns(plan.answers)
        counts["coded"] += len(coded)
        counts["columns"] += max(0, len(plan.answers.get("columns") or []) - 1)
        if coded:
            notes.append(f"coded columns {coded}: {statement}")
        refs = unresolved(plan.answers)
        if refs:
            counts["unresolved"] += 1
            notes.append(f"unresolved {refs[:2]}: {statement}")
    ms = sorted(t * 1000 for t in times)
    return {
        "file": path.name,
        "statements": len(rows),
        "accuracy": counts["right"] / counts["labelled"] if counts["labelled"] else None,
        "users_exact": counts["users_right"] / counts["users_labelled"] if counts["users_labelled"] else None,
        **{k: counts[k] for k in ("placeholder", "generic_users", "non_noun", "unresolved", "bad_input", "failed")},
        "coded_columns": f"{counts['coded']}/{counts['columns']}",
        "median_ms": statistics.median(ms) if ms else None,
        "p90_ms": ms[int(0.9 * (len(ms) - 1))] if ms else None,
        "notes": notes if misses else [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path, help="statements JSONL files")
    parser.add_argument("--misses", action="store_true", help="list every miss and problem under the table")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead of a table")
    args = parser.parse_args()
    results = [score(path, args.misses) for path in args.files]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    head = ["file", "n", "accuracy", "users exact", "placeholder", "generic users", "non-noun", "unresolved", "bad"]
    head += ["coded cols", "median ms", "p90 ms"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in results:
        cells = [
            r["file"],
            str(r["statements"]),
            "-" if r["accuracy"] is None else f"{r['accuracy']:.3f}",
            "-" if r["users_exact"] is None else f"{r['users_exact']:.3f}",
            str(r["placeholder"]),
            str(r["generic_users"]),
            str(r["non_noun"]),
            str(r["unresolved"]),
            str(r["bad_input"]),
            r["coded_columns"],
            "-" if r["median_ms"] is None else f"{r['median_ms']:.1f}",
            "-" if r["p90_ms"] is None else f"{r['p90_ms']:.1f}",
        ]
        print("| " + " | ".join(cells) + " |")
    for r in results:
        for note in r["notes"]:
            print(f"{r['file']}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
