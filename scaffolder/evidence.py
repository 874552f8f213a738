"""`scaffold report PATH...`: one verdict across prototypes made together (variants of one experiment).

Each prototype's indicators are computed by the measurement kit's own `metrics.py` (loaded from the bundled kit as
plain logic, so scaffold and every generated repo compute them the same way) over the prototype's event store.
For an indicator the variants share, the leader is compared with the runner-up: a two-proportion z-test for
ratios (pooled, two-sided, 5%), non-overlapping distribution-free 95% intervals for medians; counts are not tested.
A missing or unreadable event store is one line for that prototype; the others are still reported.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib.util
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from scaffolder.errors import BadInput

BRIEF = Path(".scaffold/brief.json")
STORES = (Path(".analytics/events.jsonl"), Path(".analytics/events.db"))
KIT_ANSWERS = ".copier-answers.shared.yml"
ALPHA = 0.05


@functools.cache
def kit_metrics() -> ModuleType:
    """The kit's metrics.py as a module: it reads no store and imports nothing outside the standard library until
    its `main` runs, so it serves as the one definition of every indicator kind."""
    from scaffolder.catalog import shared_kit_path

    path = shared_kit_path() / "template" / "metrics.py"
    spec = importlib.util.spec_from_file_location("scaffold_kit_metrics", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Prototype:
    """One prototype folder: its brief, what its events say, and what went wrong reading them."""

    path: Path
    experiment: str | None = None
    variant: str | None = None
    report: dict[str, Any] | None = None
    problem: str | None = None
    store: Path | None = None

    @property
    def name(self) -> str:
        return self.variant or self.path.name


@dataclass
class Evidence:
    """What `scaffold report` found: every prototype read, and the comparisons between variants."""

    prototypes: list[Prototype] = field(default_factory=list)
    comparisons: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from scaffolder import __version__

        return {
            "scaffold_version": __version__,
            "prototypes": [
                {
                    "name": p.name,
                    "path": str(p.path),
                    "experiment": p.experiment,
                    "variant": p.variant,
                    "store": str(p.store) if p.store else None,
                    "problem": p.problem,
                    "indicators": [],  # kept when the brief cannot be read, so the shape is always the same
                    **{k: v for k, v in (p.report or {}).items() if k not in ("experiment", "variant")},
                }
                for p in self.prototypes
            ],
            "comparisons": self.comparisons,
        }


def find_prototypes(paths: list[Path]) -> list[Path]:
    """Prototype folders (those with a brief): each path itself, or the folders directly inside it."""
    found: list[Path] = []
    for path in paths:
        if (path / BRIEF).is_file():
            found.append(path)
            continue
        inside = sorted(p for p in path.iterdir() if (p / BRIEF).is_file()) if path.is_dir() else []
        if not inside:
            raise BadInput(f"{path}: no prototype here (no {BRIEF} in it or in the folders directly inside it)")
        found += inside
    return list(dict.fromkeys(p.resolve() for p in found))


def load(path: Path, *, minimum: int | None = None) -> Prototype:
    """Read one prototype; every failure becomes its `problem` line, never an exception."""
    metrics = kit_metrics()
    prototype = Prototype(path=path)
    prototype.experiment, prototype.variant = _experiment_of(path)
    try:
        brief = json.loads((path / BRIEF).read_text(encoding="utf-8"))
        if not isinstance(brief.get("indicators"), list):
            raise ValueError("it lists no indicators")
    except (OSError, ValueError, AttributeError) as error:
        prototype.problem = f"cannot read {BRIEF}: {type(error).__name__}: {str(error)[:120]}"
        return prototype
    store = next((path / s for s in STORES if (path / s).is_file()), None)
    events: list[dict] = []
    if store is None:
        prototype.problem = f"no events yet ({STORES[0]} missing): run the prototype and use it"
    else:
        prototype.store = store
        try:
            events = metrics.read_store(store)
        except (metrics.StoreError, OSError) as error:
            prototype.problem = f"cannot read {store.relative_to(path)}: {error}"
    try:
        prototype.report = metrics.report(brief, events, minimum=minimum)
    except (KeyError, TypeError, ValueError) as error:  # events or brief of the wrong shape
        prototype.problem = f"cannot compute the indicators: {type(error).__name__}: {str(error)[:120]}"
        return prototype
    prototype.experiment = prototype.experiment or prototype.report["experiment"]  # the events say it too
    prototype.variant = prototype.variant or prototype.report["variant"]
    return prototype


def _experiment_of(path: Path) -> tuple[str | None, str | None]:
    """The experiment and variant the kit was rendered with (its Copier answers), if any."""
    import yaml

    try:
        answers = yaml.safe_load((path / KIT_ANSWERS).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None, None
    if not isinstance(answers, dict):
        return None, None
    return answers.get("experiment") or None, answers.get("variant") or None


def compare(prototypes: list[Prototype]) -> list[dict[str, Any]]:
    """For each experiment (prototypes without one form one group) and each indicator id two or more of its
    prototypes share: who leads, and whether the lead over the runner-up is beyond noise."""
    metrics = kit_metrics()
    groups: dict[str | None, list[Prototype]] = {}
    for p in prototypes:
        if p.report is not None:
            groups.setdefault(p.experiment, []).append(p)
    comparisons = []
    for experiment, members in groups.items():
        ids = list(dict.fromkeys(r["id"] for p in members for r in p.report["indicators"]))  # type: ignore[index]
        for indicator_id in ids:
            rows = [(p, r) for p in members for r in p.report["indicators"] if r["id"] == indicator_id]  # type: ignore[index]
            if len(rows) >= 2:
                comparisons.append(_compare_one(metrics, experiment, indicator_id, rows))
    return comparisons


def _compare_one(metrics: ModuleType, experiment: str | None, indicator_id: str, rows: list) -> dict[str, Any]:
    first = rows[0][1]
    lower_is_better = first["direction"] == "at_most"
    measured = [(p, r) for p, r in rows if r["value"] is not None]
    measured.sort(key=lambda pr: pr[1]["value"], reverse=not lower_is_better)
    out: dict[str, Any] = {
        "experiment": experiment,
        "indicator": indicator_id,
        "name": first["name"],
        "variants": [p.name for p, _ in rows],
        "leader": None,
        "runner_up": None,
        "test": None,
        "p_value": None,
        "verdict": "no data",
    }
    if len(measured) < 2:
        return out
    (lead, a), (second, b) = measured[0], measured[1]
    ratio, timed = a["kind"] in metrics.RATIO_KINDS, a["kind"] == "median_seconds"
    test = "two-proportion z-test" if ratio else "non-overlapping 95% intervals" if timed else None
    out.update(leader=lead.name, runner_up=second.name, test=test or f"none ({a['kind']} is not tested)")
    if a["value"] == b["value"]:
        out["verdict"] = "tied"
    elif "too_few" in (a["status"], b["status"]):
        out["verdict"] = "too few to tell"
    elif ratio:
        out["p_value"] = metrics.two_proportion_p(a["numerator"], a["denominator"], b["numerator"], b["denominator"])
        out["verdict"] = "leads beyond noise" if out["p_value"] < ALPHA else "within noise"
    elif timed and a["interval"] and b["interval"]:
        apart = a["interval"][1] < b["interval"][0] if lower_is_better else a["interval"][0] > b["interval"][1]
        out["verdict"] = "leads beyond noise" if apart else "within noise"
    else:
        out["verdict"] = "leads, not tested"
    return out


def gather(paths: list[Path], *, minimum: int | None = None) -> Evidence:
    """Read every prototype under `paths` and compare the variants."""
    prototypes = [load(p, minimum=minimum) for p in find_prototypes(paths)]
    return Evidence(prototypes=prototypes, comparisons=compare(prototypes))


def print_table(evidence: Evidence) -> None:
    """One Rich table (prototype x indicator), then the comparisons, then one line per problem."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    metrics = kit_metrics()
    console = Console(highlight=False, soft_wrap=True)
    colours = {"met": "green", "not_met": "red", "too_few": "yellow", "no_data": "dim"}
    table = Table(show_edge=False, pad_edge=False)
    for column in ("prototype", "indicator", "value", "n", "95% interval", "target", "verdict"):
        table.add_column(column)
    for p in evidence.prototypes:
        for r in p.report["indicators"] if p.report else []:
            verdict = metrics.STATUS_TEXT[r["status"]]
            table.add_row(
                escape(p.name),
                f"{escape(r['name'])}\n[dim]{escape(r['measures'])}[/]",
                f"{metrics.format_value(r)}\n[dim]{escape(metrics.format_counts(r))}[/]",
                f"{r['n']} {r['unit']}",
                metrics.format_interval(r),
                metrics.format_target(r),
                f"[{colours[r['status']]}]{verdict}[/]",
            )
    console.print(table)
    if evidence.comparisons:
        versus = Table(title="Variants compared (leader vs runner-up)", show_edge=False, pad_edge=False)
        for column in ("experiment", "indicator", "leader", "runner-up", "test", "p", "verdict"):
            versus.add_column(column)
        for c in evidence.comparisons:
            p_value = _p(c["p_value"]) if c["p_value"] is not None else "-"
            versus.add_row(
                escape(c["experiment"] or "-"),
                escape(c["name"]),
                escape(c["leader"] or "-"),
                escape(c["runner_up"] or "-"),
                c["test"] or "-",
                p_value,
                c["verdict"],
            )
        console.print(versus)
    few = [r for p in evidence.prototypes if p.report for r in p.report["indicators"] if r["status"] == "too_few"]
    if few:
        minimum = few[0]["min_sample"]
        console.print(f"[dim]TOO FEW: under {minimum} sessions or participants (ANALYTICS_MIN_SAMPLE).[/]")
    for p in evidence.prototypes:
        if p.problem:
            console.print(f"[yellow]{escape(p.name)}[/]: {escape(p.problem)}")


def write_html(evidence: Evidence, out: Path) -> Path:
    """A page with one chart per indicator: the variants side by side, each with its 95% interval and the target."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        raise BadInput(
            "--html needs matplotlib: pip install 'scaffold-prototypes[report]' (or pip install matplotlib)"
        ) from None
    metrics = kit_metrics()
    charts: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for p in evidence.prototypes:
        for r in p.report["indicators"] if p.report else []:
            charts.setdefault(r["id"], []).append((p.name, r))
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Evidence across prototypes</title>",
        "<style>body{font-family:sans-serif;max-width:760px;margin:2em auto}img{max-width:100%}</style>",
        "<h1>Evidence across prototypes</h1>",
        "<p>Bars: each prototype's value; whiskers: its 95% interval; dashed line: the target.</p>",
    ]
    for indicator_id, rows in charts.items():
        first = rows[0][1]
        fig, ax = plt.subplots(figsize=(6.4, 2.8))
        names = [name for name, _ in rows]
        values = [r["value"] or 0.0 for _, r in rows]
        low = [r["value"] - r["interval"][0] if r["interval"] else 0.0 for _, r in rows]
        high = [r["interval"][1] - r["value"] if r["interval"] else 0.0 for _, r in rows]
        colours = [
            "#1a7f37" if r["status"] == "met" else "#b42318" if r["status"] == "not_met" else "#999" for _, r in rows
        ]
        ax.bar(names, values, color=colours, yerr=[low, high], capsize=6)
        ax.axhline(first["target"], linestyle="--", color="grey", label="target")
        if first["kind"] in metrics.RATIO_KINDS:
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(ticker.PercentFormatter(1.0))
        ax.set_title(first["name"], fontsize=10)
        ax.legend(loc="best", fontsize=8)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=110)
        plt.close(fig)
        image = base64.b64encode(buffer.getvalue()).decode("ascii")
        verdicts = ", ".join(f"{name}: {metrics.STATUS_TEXT[r['status']]}" for name, r in rows)
        leads = [_sentence(c) for c in evidence.comparisons if c["indicator"] == indicator_id]
        parts.append(
            f"<section class='chart' id='{html.escape(indicator_id)}'><h2>{html.escape(first['name'])}</h2>"
            f"<p>{html.escape(first['measures'])}. {html.escape(verdicts)}</p>"
            f"<img alt='{html.escape(first['name'])}' src='data:image/png;base64,{image}'>"
            + "".join(f"<p class='lead'>{html.escape(sentence)}</p>" for sentence in leads)
            + "</section>"
        )
    for p in evidence.prototypes:
        if p.problem:
            parts.append(f"<p class='problem'>{html.escape(p.name)}: {html.escape(p.problem)}</p>")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return out


def _sentence(c: dict[str, Any]) -> str:
    if not c["leader"]:
        return "no data to compare"
    if c["verdict"] == "tied":
        return f"{c['leader']} and {c['runner_up']} tied"
    p_value = _p(c["p_value"]) if c["p_value"] is not None else None
    test = f" ({c['test']}, p {p_value if p_value.startswith('<') else '= ' + p_value})" if p_value else ""
    return f"{c['leader']} leads {c['runner_up']}: {c['verdict']}{test}"


def _p(value: float) -> str:
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
