"""Planners turn a problem statement into a Plan.

Both share one shape: `plan(statement, catalog, ..., blueprint=None) -> Plan`, returning a Plan whose
`provenance` says which planner made it. `offline` is deterministic and needs no network; `llm` asks an
OpenAI-compatible server and raises PlannerUnavailable when it cannot produce a valid plan.
"""
