"""The bar: statements the planner reads give repos, whichever blueprint, that install nothing extra and pass their
own test suites. A sample of the labelled statements kept in tests/fixtures (every fourth, all blueprints), so that
the suite stays within minutes on two cores; accuracy itself is asserted in test_offline_planner.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import run_generated_tests, statements

from scaffolder.catalog import Catalog
from scaffolder.pipeline import Request, run


def test_sampled_statements_give_repos_that_pass_their_own_tests(tmp_path: Path) -> None:
    sample = statements("tuning")[::4]
    catalog = Catalog()
    results = []
    for number, row in enumerate(sample):
        request = Request(statement=row["statement"], out=tmp_path / f"p{number:02d}", cwd=tmp_path)
        results.append((row, run(request, lambda message: None, quiet_offline=True, catalog=catalog)))
    assert {result.plan.blueprint for _, result in results} == set(catalog.names())  # every blueprint rendered

    def suite(item: tuple[dict, object]) -> tuple[str, str, int, str]:
        row, result = item
        done = run_generated_tests(result.out)  # type: ignore[attr-defined]
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        return row["statement"], result.plan.blueprint, done.returncode, tail  # type: ignore[attr-defined]

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(suite, results))
    failures = [f"[{bp}] {statement}\n{tail}" for statement, bp, code, tail in outcomes if code != 0]
    assert not failures, f"{len(failures)} generated suites failed:\n\n" + "\n\n".join(failures)
