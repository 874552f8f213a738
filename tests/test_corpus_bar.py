"""The bar: statements the planner reads give repos, whichever blueprint, that install nothing extra and pass their
own test suites. Every labelled statement kept in tests/fixtures is planned and rendered; the generated suites run
for a fixed sample per blueprint (they cost seconds each, a render a fraction of one), so that the suite stays
within minutes on two cores. Accuracy itself is asserted in test_offline_planner.py."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import run_generated_tests, statements

from scaffolder.catalog import Catalog
from scaffolder.pipeline import Request, Result, run

#: Generated suites run per blueprint: the first statements of each, in file order.
SUITES_PER_BLUEPRINT = 2


def test_every_statement_renders_and_a_sample_per_blueprint_passes_its_own_tests(tmp_path: Path) -> None:
    catalog = Catalog()
    results: list[Result] = []
    for number, row in enumerate(statements("tuning")):
        request = Request(statement=row["statement"], out=tmp_path / f"p{number:02d}", cwd=tmp_path)
        result = run(request, lambda message: None, quiet_offline=True, catalog=catalog)
        assert result.out is not None and (result.out / ".git").is_dir() and result.commit, row["statement"]
        results.append(result)
    by_blueprint: dict[str, list[Result]] = {}
    for result in results:
        by_blueprint.setdefault(result.plan.blueprint, []).append(result)  # type: ignore[union-attr]
    assert set(by_blueprint) == set(catalog.names())  # every blueprint rendered
    sample = [r for rendered in by_blueprint.values() for r in rendered[:SUITES_PER_BLUEPRINT]]

    def suite(result: Result) -> tuple[Result, int, str]:
        done = run_generated_tests(result.out)  # type: ignore[arg-type]
        return result, done.returncode, "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(suite, sample))
    failures = [f"[{r.plan.blueprint}] {r.statement}\n{tail}" for r, code, tail in outcomes if code != 0]  # type: ignore[union-attr]
    assert not failures, f"{len(failures)} generated suites failed:\n\n" + "\n\n".join(failures)
