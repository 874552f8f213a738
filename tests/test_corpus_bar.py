"""The bar: for every labelled statement, the offline plan picks the labelled blueprint (≥ 90%) and the repo it
generates, whichever blueprint, installs nothing extra and passes its own test suite."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import corpus, run_generated_tests

from scaffolder.catalog import Catalog
from scaffolder.pipeline import Request, run


def test_every_corpus_statement_gives_a_repo_that_passes_its_own_tests(tmp_path: Path) -> None:
    statements = corpus()
    catalog_names = set(Catalog().names())
    results = []
    for number, row in enumerate(statements):
        request = Request(statement=row["statement"], out=tmp_path / f"p{number:02d}", cwd=tmp_path)
        results.append((row, run(request, lambda message: None, quiet_offline=True)))
    assert {result.plan.blueprint for _, result in results} == catalog_names  # all three blueprints exercised

    hits = sum(result.plan.blueprint == row["blueprint"] for row, result in results)
    assert hits / len(results) >= 0.9, f"offline planner picked the labelled blueprint for {hits}/{len(results)}"

    def suite(item: tuple[dict, object]) -> tuple[str, str, int, str]:
        row, result = item
        done = run_generated_tests(result.out)  # type: ignore[attr-defined]
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        return row["statement"], result.plan.blueprint, done.returncode, tail  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(suite, results))
    failures = [f"[{bp}] {statement}\n{tail}" for statement, bp, code, tail in outcomes if code != 0]
    assert not failures, f"{len(failures)} generated suites failed:\n\n" + "\n\n".join(failures)
