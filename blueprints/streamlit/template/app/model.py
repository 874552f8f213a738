"""The sample rows and what the screens compute from them, kept apart from the UI so they are easy to test."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

DATA_FILE = Path(__file__).with_name("data.json")


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    """The answers this mock was generated from (title, columns, rows, screens...), as plain data."""
    return json.loads(path.read_text(encoding="utf-8"))


def frame(data: dict[str, Any]) -> pd.DataFrame:
    """One row per sample record, one column per declared column (missing values stay empty)."""
    names = [c["name"] for c in data["columns"]]
    df = pd.DataFrame([{n: row.get(n) for n in names} for row in data["rows"]], columns=names)
    for column in data["columns"]:
        if column["kind"] == "number":
            df[column["name"]] = pd.to_numeric(df[column["name"]], errors="coerce")
    return df


def category_columns(data: dict[str, Any]) -> list[str]:
    """The columns a user can filter by choosing values: `group_by` first, then the other category columns."""
    others = [c["name"] for c in data["columns"] if c["kind"] == "category" and c["name"] != data["group_by"]]
    return [data["group_by"], *others]


def search_columns(data: dict[str, Any]) -> list[str]:
    """The columns the free-text search looks in."""
    return [c["name"] for c in data["columns"] if c["kind"] in ("text", "category", "date")]


def label_column(data: dict[str, Any]) -> str:
    """The column that names a row in the detail screen: the first text column, else the first column."""
    texts = [c["name"] for c in data["columns"] if c["kind"] == "text"]
    return texts[0] if texts else data["columns"][0]["name"]


def options(df: pd.DataFrame, column: str) -> list[str]:
    """The distinct values of a column, as the strings a filter shows."""
    return sorted({str(v) for v in df[column].dropna()})


def apply_filters(df: pd.DataFrame, chosen: dict[str, list[str]], search: str, columns: list[str]) -> pd.DataFrame:
    """Rows whose values are among the chosen ones (an empty choice keeps all) and that contain `search`."""
    mask = pd.Series(True, index=df.index)
    for column, values in chosen.items():
        if values:
            wanted = set(values)
            mask &= df[column].map(lambda v, wanted=wanted: v is not None and str(v) in wanted)
    needle = search.strip().lower()
    if needle:
        hit = pd.Series(False, index=df.index)
        for column in columns:
            hit |= df[column].map(lambda v: v is not None and needle in str(v).lower())
        mask &= hit
    return df[mask]


def totals(df: pd.DataFrame, metric: str) -> tuple[int, float, float | None]:
    """Row count, sum and mean of the metric (mean is None when no row has a number)."""
    values = df[metric].dropna()
    return len(df), float(values.sum()), (float(values.mean()) if len(values) else None)


def by_group(df: pd.DataFrame, group_by: str, metric: str) -> pd.Series:
    """Sum of the metric per group, for the overview chart."""
    groups = df[group_by].map(lambda v: "(none)" if v is None or v != v else str(v))
    return df[metric].groupby(groups).sum().rename(metric)


def action_id(label: str) -> str:
    """The snake_case id recorded as the `action` property, e.g. "Save note" -> "save_note"."""
    return "_".join(re.findall(r"[a-z0-9]+", label.lower())) or "action"


def number(value: float | None) -> str:
    """A key figure as people read it: thousands separators, at most two decimals."""
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
