"""`scaffold report`: indicators with intervals and verdicts across variants made together, one comparison, and
the statistics checked against scipy's. The prototypes are real renders; their sessions are simulated event logs."""

from __future__ import annotations

import json
import random
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from conftest import fixture_plan

from scaffolder.catalog import Catalog
from scaffolder.evidence import kit_metrics
from scaffolder.pipeline import write
from scaffolder.plan import Indicator
from scaffolder.validation import parse_plan

EXPERIMENT = "rx-approvals"
#: variant -> (sessions, sessions that check the approval): A is clearly better; B and C cannot be told apart.
SIMULATED = {"a": (40, 34), "b": (40, 16), "c": (40, 17)}
WIDE = {"COLUMNS": "220"}
#: The brief the three variants share (the API blueprint's events, as docs/blueprint-answers.md lists them).
INDICATORS = [
    {
        "id": "approval_checked",
        "name": "Sessions that check an approval after listing",
        "kind": "conversion",
        "event": "resource_viewed",
        "of_event": "resource_listed",
        "where": {"resource": "approval"},
        "target": 0.6,
    },
    {
        "id": "time_to_approval",
        "name": "Seconds from listing to an approval",
        "kind": "median_seconds",
        "event": "resource_viewed",
        "of_event": "resource_listed",
        "where": {"resource": "approval"},
        "target": 30,
        "direction": "at_most",
    },
    {
        "id": "rejected_requests",
        "name": "Failed requests that broke a field rule",
        "kind": "share",
        "event": "request_failed",
        "where": {"reason": "invalid"},
        "target": 0.2,
        "direction": "at_most",
    },
    {
        "id": "approvals_recorded",
        "name": "Approvals recorded this week",
        "kind": "count",
        "event": "resource_created",
        "where": {"resource": "approval"},
        "window_days": 7,
        "target": 5,
    },
]


def simulated_events(variant: str, sessions: int, converted: int, seed: int) -> list[dict]:
    """Sessions of the fixture API brief: list prescriptions, then (for `converted` of them) view an approval
    some seconds later; one approval created and a 404 in every fifth session. Starts spread over three days."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=3)
    events = []

    def add(name: str, session: str, at: datetime, **properties: object) -> None:
        events.append(
            {
                "event_id": f"{session}-{len(events)}",
                "event": name,
                "timestamp": at.isoformat().replace("+00:00", "Z"),
                "session_id": session,
                "distinct_id": f"pharmacy-{session}",
                "properties": properties,
                "source": "sim",
                "experiment": EXPERIMENT,
                "variant": variant,
            }
        )

    for i in range(sessions):
        session, at = f"{variant}{i}", start + timedelta(minutes=97 * i)
        add("experiment_exposure", session, at)
        add("resource_listed", session, at, resource="prescription")
        if i < converted:
            add("resource_viewed", session, at + timedelta(seconds=rng.uniform(5, 25)), resource="approval", by="id")
        if i % 5 == 0:
            add("resource_created", session, at + timedelta(seconds=40), resource="approval")
            add(
                "request_failed",
                session,
                at + timedelta(seconds=50),
                resource="approval",
                status=404,
                reason="not_found",
            )
    add("resource_listed", "team-visit", start, resource="prescription")  # the team's own visit
    events[-1]["distinct_id"] = "team-lead"
    return events


def store_of(prototype: Path) -> Path:
    return prototype / ".analytics" / "events.jsonl"


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three variants of one experiment, rendered as `batch` renders an experiment's lines, with simulated use."""
    parent = tmp_path_factory.mktemp("evidence") / EXPERIMENT
    catalog = Catalog()
    data = fixture_plan("api")
    data["brief"]["indicators"] = INDICATORS
    data["brief"]["hypotheses"] = [
        {"belief": f"We believe {i['name'].lower()} will move", "indicator": i["id"]} for i in INDICATORS
    ]
    plan = parse_plan(data, catalog, source="test")
    for seed, (variant, (sessions, converted)) in enumerate(SIMULATED.items()):
        out = parent / f"variant-{variant}"
        write(plan, catalog, out, experiment=EXPERIMENT, variant=variant)
        store_of(out).parent.mkdir()
        lines = (json.dumps(e) for e in simulated_events(variant, sessions, converted, seed))
        store_of(out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return parent


def report_json(cli, *paths: Path) -> dict:
    result = cli("report", *map(str, paths), "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_the_table_shows_each_variant_with_n_interval_and_verdict(cli, experiment: Path) -> None:
    result = cli("report", str(experiment), env=WIDE)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    rows = {line.split()[0]: line for line in out.splitlines() if "Sessions that check an approval" in line}
    assert 'sessions with resource_viewed where resource = "approval" / sessions with resource_listed' in out
    assert "85%" in rows["a"] and "40 sessions" in rows["a"] and "71%-93%" in rows["a"] and "MET" in rows["a"]
    assert "NOT MET" in rows["b"] and "NOT MET" in rows["c"]
    assert "two-proportion z-test" in out and "leads beyond noise" in out
    assert "team" not in out  # the team's visit is not a prototype, a row, or a count


def test_json_shape_and_the_verdicts(cli, experiment: Path) -> None:
    data = report_json(cli, experiment)
    assert set(data) == {"scaffold_version", "prototypes", "comparisons"}
    by_variant = {p["variant"]: p for p in data["prototypes"]}
    assert sorted(by_variant) == ["a", "b", "c"]
    for variant, (sessions, converted) in SIMULATED.items():
        prototype = by_variant[variant]
        assert prototype["experiment"] == EXPERIMENT and prototype["problem"] is None
        assert prototype["sessions"] == sessions and prototype["team_events"] == 1
        checked = {r["id"]: r for r in prototype["indicators"]}["approval_checked"]
        assert (checked["numerator"], checked["denominator"], checked["n"]) == (converted, sessions, sessions)
        low, high = checked["interval"]
        assert low < converted / sessions < high
        assert checked["status"] == ("met" if variant == "a" else "not_met")
        rejected = {r["id"]: r for r in prototype["indicators"]}["rejected_requests"]
        assert (rejected["value"], rejected["n"], rejected["status"]) == (0, 8, "too_few")  # 0% of 8: too few
    comparisons = {c["indicator"]: c for c in data["comparisons"]}
    checked = comparisons["approval_checked"]
    assert (checked["leader"], checked["runner_up"], checked["verdict"]) == ("a", "c", "leads beyond noise")
    assert checked["test"] == "two-proportion z-test" and checked["p_value"] < 0.001
    assert comparisons["approvals_recorded"]["test"] == "none (count is not tested)"


def test_two_indistinguishable_variants_are_within_noise(cli, experiment: Path) -> None:
    data = report_json(cli, experiment / "variant-b", experiment / "variant-c")
    checked = {c["indicator"]: c for c in data["comparisons"]}["approval_checked"]
    assert (checked["leader"], checked["verdict"]) == ("c", "within noise")
    assert checked["p_value"] > 0.5


def test_too_few_sessions_is_too_few(cli, experiment: Path, tmp_path: Path) -> None:
    few, five = tmp_path / "few", {f"a{i}" for i in range(5)}
    shutil.copytree(experiment / "variant-a", few)
    events = [json.loads(line) for line in store_of(few).read_text(encoding="utf-8").splitlines()]
    store_of(few).write_text("".join(json.dumps(e) + "\n" for e in events if e["session_id"] in five), "utf-8")
    [prototype] = report_json(cli, few)["prototypes"]
    assert {r["status"] for r in prototype["indicators"]} == {"too_few"}  # 5 sessions, 100% converted


def test_a_corrupt_or_missing_store_is_one_line_and_the_others_still_show(cli, experiment: Path, tmp_path) -> None:
    work = tmp_path / EXPERIMENT
    shutil.copytree(experiment, work)
    store_of(work / "variant-b").write_text("{not json\n" + store_of(work / "variant-b").read_text(), "utf-8")
    store_of(work / "variant-c").unlink()
    result = cli("report", str(work), env=WIDE)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    problems = [line for line in result.stdout.splitlines() if line.startswith(("b:", "c:"))]
    assert problems == [
        "b: cannot read .analytics/events.jsonl: events.jsonl line 1 is not JSON",
        "c: no events yet (.analytics/events.jsonl missing): run the prototype and use it",
    ]
    assert "85%" in result.stdout  # variant a is still reported
    data = report_json(cli, work)
    assert [p["problem"] is None for p in data["prototypes"]] == [True, False, False]


def test_an_unreadable_brief_is_one_line_too(cli, experiment: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(experiment / "variant-a", broken)
    (broken / ".scaffold/brief.json").write_text("{", encoding="utf-8")
    data = report_json(cli, broken, experiment / "variant-b")
    first, second = data["prototypes"]
    assert first["problem"].startswith("cannot read .scaffold/brief.json: JSONDecodeError")
    assert first["indicators"] == [] and len(second["indicators"]) == len(INDICATORS)


def test_a_folder_without_prototypes_is_exit_2(cli, tmp_path: Path) -> None:
    result = cli("report", str(tmp_path))
    assert result.exit_code == 2 and "no prototype here" in result.stderr


def test_html_page_shows_one_chart_per_indicator_in_chromium(cli, experiment: Path, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    page_file = tmp_path / "evidence.html"
    result = cli("report", str(experiment), "--html", str(page_file))
    assert result.exit_code == 0, result.stderr
    brief = json.loads((experiment / "variant-a/.scaffold/brief.json").read_text(encoding="utf-8"))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 900, "height": 1200})
            page.goto(page_file.as_uri())
            charts = page.locator("section.chart img")
            assert charts.count() == len(brief["indicators"])
            widths = page.eval_on_selector_all("section.chart img", "imgs => imgs.map(i => i.naturalWidth)")
            assert all(width > 300 for width in widths)
            assert page.locator("h2").all_inner_texts() == [i["name"] for i in brief["indicators"]]
            assert "a leads c: leads beyond noise (two-proportion z-test, p < 0.001)" in page.inner_text("body")
            page.screenshot(path=str(tmp_path / "evidence.png"), full_page=True)
        finally:
            browser.close()
    assert (tmp_path / "evidence.png").stat().st_size > 10_000


def test_html_without_matplotlib_is_one_line(cli, experiment: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    result = cli("report", str(experiment), "--html", str(tmp_path / "x.html"))
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "scaffold: error: --html needs matplotlib: pip install 'scaffold-prototypes[report]' (or pip install matplotlib)"
    ]


# --- the statistics, against scipy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 1), (0, 12), (3, 10), (7, 12), (12, 12), (34, 40), (500, 1000)])
def test_wilson_matches_scipy(k: int, n: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    expected = stats.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert kit_metrics().wilson(k, n) == pytest.approx((expected.low, expected.high), abs=1e-12)


@pytest.mark.parametrize("n", [6, 7, 10, 12, 25, 60, 101])
def test_median_interval_matches_scipy(n: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    values = [random.Random(n).lognormvariate(3, 1) for _ in range(n)]
    expected = stats.quantile_test(values, q=sorted(values)[n // 2], p=0.5).confidence_interval(0.95)
    assert kit_metrics().median_interval(values) == (expected.low, expected.high)


@pytest.mark.parametrize(
    ("k1", "n1", "k2", "n2"), [(34, 40, 17, 40), (16, 40, 17, 40), (3, 10, 9, 12), (50, 900, 71, 1000)]
)
def test_two_proportion_test_matches_scipy(k1: int, n1: int, k2: int, n2: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    table = [[k1, n1 - k1], [k2, n2 - k2]]
    expected = stats.chi2_contingency(table, correction=False).pvalue  # the pooled z-test, squared
    assert kit_metrics().two_proportion_p(k1, n1, k2, n2) == pytest.approx(expected, rel=1e-9)


# --- one description of the kinds, and names shown with what they compute -------------------------------------------


def test_the_plan_schema_and_the_readme_take_the_kinds_from_the_kit(experiment: Path) -> None:
    kinds = kit_metrics().KINDS
    schema = Indicator.model_json_schema()
    assert set(schema["properties"]["kind"]["enum"]) == set(kinds)
    for kind, meaning in kinds.items():
        assert f"{kind}: {meaning}" in schema["properties"]["kind"]["description"]
    readme = (experiment / "variant-a/README.md").read_text(encoding="utf-8")
    for kind in {i["kind"] for i in INDICATORS}:
        assert f"- `{kind}`: {kinds[kind]}\n" in readme
    brief = json.loads((experiment / "variant-a/.scaffold/brief.json").read_text(encoding="utf-8"))
    for indicator in brief["indicators"]:
        assert (
            f"**{indicator['name']}** (`{indicator['id']}`, {indicator['kind']}): {kit_metrics().measures(indicator)}"
            in readme
        )
    assert "ANALYTICS_TEAM" in readme and "ANALYTICS_MIN_SAMPLE" in readme and "variant `a`" in readme
    answers = yaml.safe_load((experiment / "variant-a/.copier-answers.shared.yml").read_text(encoding="utf-8"))
    assert (answers["experiment"], answers["variant"]) == (EXPERIMENT, "a")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"kind": "ratio", "of_event": None}, "ratio needs `of_event`"),
        ({"kind": "ratio", "of_event": "message_sent", "target": 2}, "between 0 and 1"),
        ({"kind": "conversion", "window_days": 7}, "window_days applies to count"),
    ],
)
def test_indicator_kinds_are_checked(changes: dict, message: str) -> None:
    base = {"id": "x", "name": "X", "kind": "count", "event": "fallback_triggered", "target": 1}
    with pytest.raises(ValueError, match=message):
        Indicator.model_validate(base | changes)
    assert Indicator.model_validate(base | {"window_days": 7}).window_days == 7
