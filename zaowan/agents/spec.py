"""An agent is data: a name, a model role, a prompt, typed input and output, and an offline
implementation that needs no model. One runner (runner.py) executes every agent."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Generic, TypeVar

from pydantic import BaseModel

I = TypeVar("I", bound=BaseModel)
O = TypeVar("O", bound=BaseModel)


@dataclass(frozen=True)
class AgentSpec(Generic[I, O]):
    name: str
    role: str  # the model role whose chain answers for this agent (see [models.roles])
    prompt_file: str  # under zaowan/agents/prompts/
    input_model: type[I]
    output_model: type[O]
    offline: Callable[[I], O]  # grounded, deterministic, model-free: the last resort of every chain
    max_reasks: int = 2
    max_tokens: int = 2000
    prompt_version: str = "1"

    @cached_property
    def prompt(self) -> str:
        return resources.files("zaowan.agents").joinpath("prompts", self.prompt_file).read_text(encoding="utf-8")

    def render(self, inp: I) -> list[dict[str, str]]:
        """Chat messages: the role prompt as system, the typed input as JSON for the user turn."""
        return [
            {"role": "system", "content": self.prompt},
            {"role": "user", "content": inp.model_dump_json(indent=1)},
        ]
