"""`--variants N`: N alternative prototypes for one statement, one per blueprint, side by side in one folder.

Discovery teams put several thin prototypes in front of users at once; each variant is planned with a different
blueprint (best-ranked first), planned concurrently, and the whole set appears at once or not at all. The variants
share one experiment id (the parent folder's name) and each records its variant name (its folder's number and
blueprint) on every event, so `scaffold report` on the parent folder compares them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from scaffolder.errors import BadInput
from scaffolder.pipeline import Notify, Request, Result, clean_statement, make_plan, write


def run_variants(request: Request, count: int, notify: Notify) -> list[Result]:
    """Plan `count` variants with different blueprints and write them under one parent folder."""
    from scaffolder.catalog import Catalog
    from scaffolder.planners.offline import choose_blueprint, score_blueprints
    from scaffolder.render import atomic_folder, check_target

    if request.plan_file is not None:
        raise BadInput("--variants plans anew; it cannot be combined with --plan")
    if request.blueprint:
        raise BadInput("--variants tries different blueprints; do not also give --blueprint")
    if request.out is not None:
        check_target(request.out)
    catalog = Catalog(request.blueprint_dirs)
    statement = clean_statement(request.statement or "", notify)
    first, _ = choose_blueprint(statement, catalog)
    ranked = [first, *(name for name, _, _ in score_blueprints(statement, catalog) if name != first)]
    if count > len(ranked):
        raise BadInput(f"--variants {count}: there are only {len(ranked)} blueprints to vary over")
    requests = [replace(request, statement=statement, blueprint=name) for name in ranked[:count]]
    with ThreadPoolExecutor(max_workers=count) as pool:
        plans = list(pool.map(lambda r: make_plan(r, catalog, notify, quiet_offline=r is not requests[0]), requests))
    for plan in plans:
        assert plan.provenance is not None
    if request.dry_run:
        return [Result(p.statement, plan=p, warnings=list(p.provenance.warnings)) for p in plans]  # type: ignore[union-attr]
    parent = (request.out or request.cwd / f"{plans[0].slug}-variants").absolute()
    results = []
    with atomic_folder(parent) as tmp:
        for number, plan in enumerate(plans, 1):
            name = f"{number}-{plan.blueprint}-{plan.slug}"[:60]
            commit = write(plan, catalog, tmp / name, experiment=parent.name, variant=f"{number}-{plan.blueprint}")
            results.append(
                Result(
                    plan.statement, plan=plan, out=parent / name, commit=commit, warnings=list(plan.provenance.warnings)
                )  # type: ignore[union-attr]
            )  # type: ignore[union-attr]
    if request.verify:
        from scaffolder.verify import verify

        for result in results:
            assert result.out is not None
            result.verified = verify(result.out, notify)
    return results
