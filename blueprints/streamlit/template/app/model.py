"""The records and what the screens compute from them, kept apart from the UI so they are easy to test.

`data.json` holds everything this mock was generated from: the columns (with their kind: text, category, number,
money, percent, date, datetime), the sample rows, the default sort, the key figures, the chart and the actions.
The screens never change `data.json`: each browser session works on its own copy of the rows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

DATA_FILE = Path(__file__).with_name("data.json")
NUMERIC = ("number", "money", "percent")
EMPTY = "—"


def load(path: Path = DATA_FILE) -> dict[str, Any]:
    """The answers this mock was generated from (title, columns, rows, figures, actions, screens), as plain data."""
    return json.loads(path.read_text(encoding="utf-8"))


def column(data: dict[str, Any], name: str) -> dict[str, Any]:
    """The declared column called `name`."""
    return next(c for c in data["columns"] if c["name"] == name)


def acting_screen(kinds: list[str]) -> str:
    """Where a user opens one record and acts on it: the detail screen, else the table, else the overview."""
    return next(kind for kind in ("detail", "table", "overview") if kind in kinds)


def adding_screen(kinds: list[str]) -> str:
    """Where the forms that add a record live: the table, else the detail screen, else the overview."""
    return next(kind for kind in ("table", "detail", "overview") if kind in kinds)


def label_of(data: dict[str, Any], row: dict[str, Any]) -> str:
    """The name of a record, as the detail picker and the events show it."""
    return str(row[data["label_column"]])


# --- the table ---------------------------------------------------------------------------------------------------


def frame(data: dict[str, Any], rows: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per record (the index is its position in `rows`), typed by column kind, in the default order."""
    names = [c["name"] for c in data["columns"]]
    df = pd.DataFrame([{n: row.get(n) for n in names} for row in rows], columns=names)
    for c in data["columns"]:
        name = c["name"]
        if c["kind"] in NUMERIC:
            df[name] = pd.to_numeric(df[name], errors="coerce")
        elif c["kind"] in ("date", "datetime"):
            df[name] = pd.to_datetime(df[name], errors="coerce", format="ISO8601")
        else:
            df[name] = df[name].map(lambda v: None if is_empty(v) else str(v)).astype(object)
    return sort(data, df)


def sort(data: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    """The default order (e.g. most minutes late first); a category with choices sorts in the order of its choices."""
    name, descending = data["sort"]["column"], data["sort"]["descending"]
    choices = column(data, name).get("choices")

    def key(values: pd.Series) -> pd.Series:
        return values.map(lambda v: choices.index(v) if v in choices else len(choices)) if choices else values

    return df.sort_values(name, ascending=not descending, na_position="last", kind="stable", key=key)


def category_columns(data: dict[str, Any]) -> list[str]:
    """The columns a user filters by choosing values: the chart's grouping first, then the other categories."""
    first = data["chart"]["group_by"]
    return [first, *(c["name"] for c in data["columns"] if c["kind"] == "category" and c["name"] != first)]


def search_columns(data: dict[str, Any]) -> list[str]:
    """The columns the free-text search looks in."""
    return [c["name"] for c in data["columns"] if c["kind"] in ("text", "category")]


def options(data: dict[str, Any], rows: list[dict[str, Any]], name: str) -> list[str]:
    """What a user can pick for a column: its declared choices, else its distinct values in the rows (each once)."""
    declared = column(data, name).get("choices")
    if declared:
        return list(declared)
    return sorted({str(row.get(name)) for row in rows if not is_empty(row.get(name))})


def apply_filters(df: pd.DataFrame, chosen: dict[str, list[str]], search: str, columns: list[str]) -> pd.DataFrame:
    """Rows whose values are among the chosen ones (an empty choice keeps all) and that contain `search`."""
    mask = pd.Series(True, index=df.index)
    for name, values in chosen.items():
        if values:
            mask &= df[name].isin(values)
    needle = search.strip().lower()
    if needle:
        hit = pd.Series(False, index=df.index)
        for name in columns:
            hit |= df[name].map(lambda v: not is_empty(v) and needle in str(v).lower())
        mask &= hit
    return df[mask]


# --- values as people read them ----------------------------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """None, NaN and NaT: a cell with no value."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _decimals(values: list[float]) -> int:
    """0 for whole numbers, 1 when one decimal is enough, else 2."""
    if all(float(v).is_integer() for v in values):
        return 0
    return 1 if all(round(float(v), 1) == float(v) for v in values) else 2


def _money(amount: str, unit: str | None) -> str:
    if not unit:
        return amount
    return f"{unit}{amount}" if len(unit) == 1 and not unit.isalnum() else f"{amount} {unit}"


def show(value: Any, col: dict[str, Any]) -> str:
    """One value as the screens show it: "€48,000", "85%", "12 min", "14 Jul 2025, 09:30"; "—" when empty."""
    if is_empty(value):
        return EMPTY
    kind, unit = col["kind"], col.get("unit")
    if kind in NUMERIC:
        number = float(value)
        text = f"{number:,.{_decimals([number])}f}"
        if kind == "money":
            return _money(text, unit)
        if kind == "percent":
            return f"{text}%"
        return f"{text} {unit}" if unit else text
    if kind in ("date", "datetime"):
        moment = pd.Timestamp(value)
        return f"{moment.day} {moment:%b %Y}" + (f", {moment:%H:%M}" if kind == "datetime" else "")
    return str(value)


def number_format(col: dict[str, Any], values: pd.Series) -> str:
    """The printf format Streamlit's table uses for a number column, e.g. "€%,d", "%.2f%%", "%,d min"."""
    unit = (col.get("unit") or "").replace("%", "%%")
    decimals = _decimals(list(values.dropna()))
    number = f"%,.{decimals}f" if decimals else "%,d"
    if col["kind"] == "money":
        return _money(number, unit)
    if col["kind"] == "percent":
        return number.replace(",", "") + "%%"
    return f"{number} {unit}" if unit else number


# --- key figures and the chart -----------------------------------------------------------------------------------


def matching(data: dict[str, Any], df: pd.DataFrame, where: dict[str, Any] | None) -> pd.DataFrame:
    """The rows where every `{column: value or [values]}` condition holds."""
    mask = pd.Series(True, index=df.index)
    for name, wanted in (where or {}).items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if column(data, name)["kind"] in NUMERIC:
            mask &= df[name].isin([float(v) for v in values])
        else:
            mask &= df[name].isin([str(v) for v in values])
    return df[mask]


def figure(data: dict[str, Any], df: pd.DataFrame, fig: dict[str, Any]) -> str:
    """One key figure, formatted: a count, a rate ("25%"), or the sum or mean of a column over matching rows."""
    rows = matching(data, df, fig.get("where"))
    if fig["agg"] == "count":
        return f"{len(rows):,}"
    if fig["agg"] == "rate":
        return f"{len(rows) / len(df):.0%}" if len(df) else EMPTY
    values = rows[fig["column"]].dropna()
    if not len(values):
        return EMPTY
    total = values.sum() if fig["agg"] == "sum" else values.mean()
    return show(round(float(total), 2), column(data, fig["column"]))


def lower_first(label: str) -> str:
    """ "Minutes late" -> "minutes late", but "ETA" stays "ETA"."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def chart_title(data: dict[str, Any]) -> str:
    """The chart's title, written from its aggregation so the two cannot disagree."""
    chart = data["chart"]
    by = lower_first(column(data, chart["group_by"])["label"])
    if chart["agg"] == "count":
        return f"Number of {lower_first(data['entity_label'])} by {by}"
    measured = lower_first(column(data, chart["column"])["label"])
    return f"{'Total' if chart['agg'] == 'sum' else 'Average'} {measured} by {by}"


def chart_values(data: dict[str, Any], df: pd.DataFrame) -> pd.Series:
    """The chart's bars: count, sum or mean per group ("(none)" for records without a group), in the order of the
    group's choices (High, Medium, Low; Late before On time), else alphabetical."""
    chart = data["chart"]
    groups = df[chart["group_by"]].map(lambda v: "(none)" if is_empty(v) else str(v))
    if chart["agg"] == "count":
        values = groups.value_counts().rename("Records")
    else:
        grouped = df[chart["column"]].groupby(groups)
        values = (grouped.sum() if chart["agg"] == "sum" else grouped.mean()).round(2)
        values = values.rename(column(data, chart["column"])["label"])
    choices = [str(c) for c in column(data, chart["group_by"]).get("choices") or []]
    order = [c for c in choices if c in values.index] + sorted(v for v in values.index if v not in choices)
    return values.reindex(order)


# --- actions -----------------------------------------------------------------------------------------------------


def applies(action: dict[str, Any], row: dict[str, Any]) -> bool:
    """Whether an update action is offered on this record (its `applies_to` values, compared as text)."""
    for name, values in (action.get("applies_to") or {}).items():
        if is_empty(row.get(name)) or str(row.get(name)) not in {str(v) for v in values}:
            return False
    return True


def update(data: dict[str, Any], rows: list[dict[str, Any]], action: dict[str, Any], index: int, entered: dict) -> list:
    """Apply an update action to `rows[index]`: fixed values from the action, the others from `entered`.

    Returns (column, old value, new value) for each field it sets.
    """
    changes = []
    for step in action["sets"]:
        name = step["column"]
        new = step["value"] if step["mode"] == "fixed" else entered[name]
        changes.append((name, rows[index].get(name), new))
        rows[index][name] = new
    return changes


def add(data: dict[str, Any], rows: list[dict[str, Any]], action: dict[str, Any], entered: dict) -> int:
    """Add the record an add action describes (columns it does not set stay empty); returns its position."""
    row: dict[str, Any] = {c["name"]: None for c in data["columns"]}
    for step in action["sets"]:
        row[step["column"]] = step["value"] if step["mode"] == "fixed" else entered[step["column"]]
    rows.append(row)
    return len(rows) - 1


def as_text(value: Any) -> str:
    """A value as the `value` property of `action_taken` records it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
