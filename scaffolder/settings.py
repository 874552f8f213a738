"""Settings shared by the CLI, the pipeline and the LLM planner, kept apart so that none imports another."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LLMSettings:
    """How to reach an OpenAI-compatible server. `api_key` never leaves this object."""

    model: str
    api_key: str | None = None
    base_url: str | None = None
    timeout: float = 60.0
    max_retries: int = 2
    spinner: bool = True
