"""The Streamlit mock's screens. Every interaction that matters records one event through `analytics.track`.

Events (see README): session_started{participant}, screen_viewed{screen}, filter_applied{column},
record_opened{record}, action_taken{action, record, field, value}, record_added{action}, task_completed{screen}.
An action changes the record at once in every screen, for this browser session only (`st.session_state.rows`);
`data.json` is never written. Text typed into an action is recorded only when ANALYTICS_RECORD_TEXT=1.
"""

from __future__ import annotations

import copy
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `streamlit run app/main.py` only puts app/ on the path
    sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

import analytics  # noqa: E402
from app import model  # noqa: E402

DATA = model.load()
COLUMNS = {c["name"]: c for c in DATA["columns"]}
LABELS = {name: c["label"] for name, c in COLUMNS.items()}
ACTIONS = {a["id"]: a for a in DATA["actions"]}
SCREENS = DATA["screens"]
KINDS = [s["kind"] for s in SCREENS]
ACT_ON = model.acting_screen(KINDS)
ADD_ON = model.adding_screen(KINDS)
ENTITY = DATA["entity"].replace("_", " ")
A_ENTITY = f"{'an' if ENTITY[:1] in 'aeiou' else 'a'} {ENTITY}"  # "a pick order", "an invoice"
ss = st.session_state


def track(event: str, **properties: Any) -> None:
    """Record one event for this browser session (and its participant, when the link named one)."""
    analytics.track_session(ss, event, **properties)


def start_session() -> None:
    """Once per browser session: a session id, the participant from `?participant=`, its own copy of the rows."""
    if not analytics.open_session(ss, st.query_params.get("participant")):
        return
    ss.rows = copy.deepcopy(DATA["rows"])
    track("session_started", **({"participant": ss.participant} if ss.participant else {}))


def records() -> pd.DataFrame:
    """This session's records, as the screens show them (default order, typed columns)."""
    return model.frame(DATA, ss.rows)


def restore(key: str) -> None:
    """Streamlit forgets a widget's value while its screen is hidden; put back the copy kept by `remember`."""
    if key not in ss and f"_kept_{key}" in ss:
        ss[key] = ss[f"_kept_{key}"]


def remember(key: str) -> None:
    ss[f"_kept_{key}"] = ss[key]


def on_filter(column: str) -> None:
    track("filter_applied", column=column)


def on_open() -> None:
    if ss.get("record") is not None:
        track("record_opened", record=model.label_of(DATA, ss.rows[ss.record]))


def on_done() -> None:
    if not ss.get("completed"):
        ss.completed = True
        track("task_completed", screen=SCREENS[ss.get("screen", 0)]["kind"])


# --- actions: callbacks run before the screens are drawn, so every screen shows the change at once ---------------


def entered(action: dict[str, Any], step: dict[str, Any]) -> Any:
    """What the user chose or typed for one field of an action (None when nothing yet)."""
    key = f"{action['id']}__{step['column']}"
    if COLUMNS[step["column"]]["kind"] == "datetime" and step["mode"] == "type":
        day, time = ss.get(f"{key}__date"), ss.get(f"{key}__time")
        return None if day is None or time is None else f"{day.isoformat()}T{time:%H:%M}"
    value = ss.get(key)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    return value


def values_for(action: dict[str, Any]) -> dict[str, Any] | None:
    """The chosen or typed values of an action, or None (with a warning) when one is missing."""
    values = {s["column"]: entered(action, s) for s in action["sets"] if s["mode"] != "fixed"}
    missing = [LABELS[name] for name, value in values.items() if value is None]
    if missing:
        ss.notice = ("warning", f"{action['label']}: enter {', '.join(missing)} first.")
        return None
    return values


def recordable(action: dict[str, Any], name: str) -> bool:
    """Whether `value` goes into the event: not for typed text, unless the team opted in."""
    typed_text = COLUMNS[name]["kind"] == "text" and any(
        s["column"] == name and s["mode"] == "type" for s in action["sets"]
    )
    return not typed_text or os.environ.get("ANALYTICS_RECORD_TEXT") == "1"


def on_update(action_id: str, index: int) -> None:
    """Apply an update action to record `index`; one action_taken per field it changes."""
    action = ACTIONS[action_id]
    values = values_for(action)
    if values is None:
        return
    record = model.label_of(DATA, ss.rows[index])
    changes = [c for c in model.update(DATA, ss.rows, action, index, values) if str(c[1]) != str(c[2])]
    for name, _old, new in changes:
        value = {"value": model.as_text(new)} if recordable(action, name) else {}
        track("action_taken", action=action_id, record=record, field=name, **value)
    said = "; ".join(
        f"{LABELS[n]} {model.show(old, COLUMNS[n])} → {model.show(new, COLUMNS[n])}" for n, old, new in changes
    )
    ss.notice = ("success", f"{action['label']} ({record}): {said}.") if changes else ("info", "Nothing changed.")


def on_add(action_id: str) -> None:
    """Add the record an add action's form describes; records record_added."""
    action = ACTIONS[action_id]
    values = values_for(action)
    if values is None:
        return
    name = values[DATA["label_column"]]
    if any(model.label_of(DATA, row) == name for row in ss.rows):
        ss.notice = ("warning", f"There is already {A_ENTITY} called {name}.")
        return
    model.add(DATA, ss.rows, action, values)
    track("record_added", action=action_id)
    ss.notice = ("success", f"{action['label']}: {name} added.")


def ask(action: dict[str, Any], step: dict[str, Any]) -> None:
    """The input for one field of an action: a picker (choose, or a category), else one that fits the kind."""
    col = COLUMNS[step["column"]]
    key, label, kind = f"{action['id']}__{col['name']}", col["label"], col["kind"]
    if step["mode"] == "fixed":
        st.caption(f"Sets {label} to {model.show(step['value'], col)}")
    elif step["mode"] == "choose" or kind == "category":
        choices = model.options(DATA, ss.rows, col["name"])
        st.selectbox(label, choices, index=None, key=key, placeholder=f"Choose {model.lower_first(label)}")
    elif kind in model.NUMERIC:
        low, high = col.get("min"), col.get("max")
        st.number_input(
            label,
            min_value=None if low is None else float(low),
            max_value=None if high is None else float(high),
            value=None,
            key=key,
        )
    elif kind == "date":
        st.date_input(label, value=None, key=key)
    elif kind == "datetime":
        day, time = st.columns(2)
        day.date_input(label, value=None, key=f"{key}__date")
        time.time_input("Time", value=None, key=f"{key}__time")
    else:
        st.text_input(label, key=key, max_chars=200)


def act(index: int) -> None:
    """The update actions offered on record `index`: one-click buttons for fixed values, small forms for the rest."""
    row = ss.rows[index]
    offered = [a for a in ACTIONS.values() if a["kind"] == "update" and model.applies(a, row)]
    clicks = [a for a in offered if all(s["mode"] == "fixed" for s in a["sets"])]
    for slot, action in zip(st.columns(len(clicks)) if clicks else [], clicks, strict=True):
        unchanged = all(str(row.get(s["column"])) == str(s["value"]) for s in action["sets"])
        slot.button(
            action["label"],
            key=f"act_{action['id']}",
            on_click=on_update,
            args=(action["id"], index),
            disabled=unchanged,
            type="primary",
        )
    for action in (a for a in offered if a not in clicks):
        with st.form(f"form_{action['id']}", clear_on_submit=True):
            for step in action["sets"]:
                ask(action, step)
            st.form_submit_button(
                action["label"],
                key=f"act_{action['id']}",
                on_click=on_update,
                args=(action["id"], index),
                type="primary",
            )


def add_forms() -> None:
    """One form per add action: the new record appears in the table at once."""
    for action in (a for a in ACTIONS.values() if a["kind"] == "add"):
        with st.expander(action["label"]), st.form(f"form_{action['id']}", clear_on_submit=True):
            for step in action["sets"]:
                ask(action, step)
            st.form_submit_button(action["label"], key=f"act_{action['id']}", on_click=on_add, args=(action["id"],))


def notice() -> None:
    """What the last action did (or why it did nothing), shown once."""
    if "notice" in ss:
        kind, text = ss.pop("notice")
        {"success": st.success, "warning": st.warning, "info": st.info}[kind](text)


# --- screens -----------------------------------------------------------------------------------------------------


def column_config(df: pd.DataFrame) -> dict[str, Any]:
    """Labels and formats for the table: money with its currency, percentages, dates as people write them."""
    config: dict[str, Any] = {}
    for name, col in COLUMNS.items():
        if col["kind"] in model.NUMERIC:
            config[name] = st.column_config.NumberColumn(col["label"], format=model.number_format(col, df[name]))
        elif col["kind"] == "date":
            config[name] = st.column_config.DateColumn(col["label"], format="D MMM YYYY")
        elif col["kind"] == "datetime":
            config[name] = st.column_config.DatetimeColumn(col["label"], format="D MMM YYYY, HH:mm")
        else:
            config[name] = st.column_config.TextColumn(col["label"])
    return config


def overview() -> None:
    df = records()
    for slot, fig in zip(st.columns(len(DATA["figures"])), DATA["figures"], strict=True):
        slot.metric(fig["label"], model.figure(DATA, df, fig))
    chart = DATA["chart"]
    st.subheader(model.chart_title(DATA))
    y_label = "Records" if chart["agg"] == "count" else LABELS[chart["column"]]
    values = model.chart_values(DATA, df)  # already in the group's own order
    st.bar_chart(values, x_label=LABELS[chart["group_by"]], y_label=y_label, sort=False)


def table() -> None:
    df = records()
    categories = model.category_columns(DATA)
    slots = st.columns(len(categories) + 1)
    chosen: dict[str, list[str]] = {}
    for slot, name in zip(slots, categories, strict=False):
        key = f"filter_{name}"
        restore(key)
        chosen[name] = slot.multiselect(
            LABELS[name], model.options(DATA, ss.rows, name), key=key, on_change=on_filter, args=(name,)
        )
        remember(key)
    restore("search")
    search = slots[-1].text_input("Search", key="search", on_change=on_filter, args=("search",))
    remember("search")
    shown = model.apply_filters(df, chosen, search, model.search_columns(DATA))
    st.caption(f"{len(shown)} of {len(df)} rows")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config(df))


def detail() -> None:
    """Choose a record, see every field, act on it."""
    df = records()
    names = {int(i): model.label_of(DATA, ss.rows[i]) for i in df.index}  # in the table's order
    restore("record")
    index = st.selectbox(
        f"Choose {A_ENTITY}",
        list(names),
        index=None,
        format_func=names.__getitem__,
        key="record",
        on_change=on_open,
        placeholder="Choose one to see it and act on it",
    )
    remember("record")
    if index is None:
        return
    row = df.loc[index]
    fields = pd.DataFrame({"Value": [model.show(row[n], COLUMNS[n]) for n in COLUMNS]}, index=list(LABELS.values()))
    st.table(fields.rename_axis("Field"))
    act(index)


SHOW = {"overview": overview, "table": table, "detail": detail}

st.set_page_config(page_title=DATA["project_name"], layout="wide")
start_session()
st.title(DATA["project_name"])
st.caption(DATA["entity_label"])
if len(SCREENS) > 1:
    st.sidebar.radio("Screens", range(len(SCREENS)), format_func=lambda i: SCREENS[i]["title"], key="screen")
current = ss.get("screen", 0)
kind = SCREENS[current]["kind"]
if ss.get("_viewed") != current:
    ss["_viewed"] = current
    track("screen_viewed", screen=kind)
st.sidebar.button(
    "I found what I needed", key="done", on_click=on_done, disabled=bool(ss.get("completed")), type="primary"
)
if ss.get("completed"):
    st.sidebar.success("Thanks, noted.")
if DATA.get("problem"):
    with st.sidebar.expander("Why this prototype"):
        st.write(DATA["problem"])
st.header(SCREENS[current]["title"])
notice()
SHOW[kind]()
if kind == ACT_ON and kind != "detail":  # no detail screen: open and act on a record here
    st.divider()
    detail()
if kind == ADD_ON:
    add_forms()
