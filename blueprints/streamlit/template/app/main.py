"""The Streamlit mock's screens. Every interaction that matters records one event through `analytics.track`.

Events (see README): session_started, screen_viewed{screen}, filter_applied{column}, record_opened,
action_taken{action}, task_completed. Notes typed into the action form are never recorded.
"""

from __future__ import annotations

import sys
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
LABELS = {c["name"]: c["label"] for c in DATA["columns"]}
SCREENS = DATA["screens"]
ss = st.session_state


def track(event: str, **properties: Any) -> None:
    """Record one event for this browser session (and its participant, when the link named one)."""
    analytics.track_session(ss, event, **properties)


def start_session() -> None:
    """Once per browser session: a session id, the participant from `?participant=`, and session_started."""
    if not analytics.open_session(ss, st.query_params.get("participant")):
        return
    ss.notes = {}
    track("session_started", **({"participant": ss.participant} if ss.participant else {}))


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
        track("record_opened")


def on_done() -> None:
    if not ss.get("completed"):
        ss.completed = True
        track("task_completed", screen=SCREENS[ss.get("screen", 0)]["kind"])


def overview() -> None:
    df = model.frame(DATA)
    metric, group_by = DATA["metric"], DATA["group_by"]
    count, total, mean = model.totals(df, metric)
    left, middle, right = st.columns(3)
    left.metric("Records", count)
    middle.metric(f"Total {LABELS[metric]}", model.number(total))
    right.metric(f"Average {LABELS[metric]}", model.number(mean))
    st.subheader(f"{LABELS[metric]} by {LABELS[group_by]}")
    st.bar_chart(model.by_group(df, group_by, metric), x_label=LABELS[group_by], y_label=LABELS[metric])


def table() -> None:
    df = model.frame(DATA)
    categories = model.category_columns(DATA)
    slots = st.columns(len(categories) + 1)
    chosen: dict[str, list[str]] = {}
    for slot, column in zip(slots, categories, strict=False):
        key = f"filter_{column}"
        restore(key)
        chosen[column] = slot.multiselect(
            LABELS[column], model.options(df, column), key=key, on_change=on_filter, args=(column,)
        )
        remember(key)
    restore("search")
    search = slots[-1].text_input("Search", key="search", on_change=on_filter, args=("search",))
    remember("search")
    shown = model.apply_filters(df, chosen, search, model.search_columns(DATA))
    st.caption(f"{len(shown)} of {len(df)} rows")
    st.dataframe(shown, hide_index=True, width="stretch", column_config=dict(LABELS))


def detail() -> None:
    df = model.frame(DATA)
    label = model.label_column(DATA)
    restore("record")
    index = st.selectbox(
        f"Choose a {DATA['entity'].replace('_', ' ')}",
        range(len(df)),
        index=None,
        format_func=lambda i: str(df.iloc[i][label]),
        key="record",
        on_change=on_open,
        placeholder="Choose one to see it and act on it",
    )
    remember("record")
    if index is None:
        return
    row = df.iloc[index]
    values = ["" if pd.isna(row[c]) else str(row[c]) for c in df.columns]
    st.dataframe(pd.DataFrame({"Field": [LABELS[c] for c in df.columns], "Value": values}), hide_index=True)
    with st.form("action", clear_on_submit=True):
        note = st.text_area("Note", key="note", help="Kept on this screen only; notes are never recorded as events.")
        submitted = st.form_submit_button(DATA["action_label"], key="act", type="primary")
    if submitted:
        track("action_taken", action=model.action_id(DATA["action_label"]), has_note=bool(note.strip()))
        if note.strip():
            ss.notes.setdefault(index, []).append(note.strip())
        st.success("Done.")
    for saved in ss.notes.get(index, []):
        st.text(f"• {saved}")


SHOW = {"overview": overview, "table": table, "detail": detail}

st.set_page_config(page_title=DATA["project_name"], layout="wide")
start_session()
st.title(DATA["project_name"])
st.caption(DATA["entity_label"])
if len(SCREENS) > 1:
    st.sidebar.radio("Screens", range(len(SCREENS)), format_func=lambda i: SCREENS[i]["title"], key="screen")
current = ss.get("screen", 0)
if ss.get("_viewed") != current:
    ss["_viewed"] = current
    track("screen_viewed", screen=SCREENS[current]["kind"])
st.sidebar.button(
    "I found what I needed", key="done", on_click=on_done, disabled=bool(ss.get("completed")), type="primary"
)
if ss.get("completed"):
    st.sidebar.success("Thanks, noted.")
if DATA.get("problem"):
    with st.sidebar.expander("Why this prototype"):
        st.write(DATA["problem"])
st.header(SCREENS[current]["title"])
SHOW[SCREENS[current]["kind"]]()
