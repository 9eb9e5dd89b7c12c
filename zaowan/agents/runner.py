"""The one runner every agent goes through: render → route → validate → trace.

The router walks the role's chain (e.g. DeepSeek → OpenAI → offline), re-asks on invalid output
and logs every attempt; the runner adds the agent's typed contract on both ends. Because the
chain always ends in the agent's offline implementation, an agent call only fails when the
offline editor itself cannot produce valid output, which is a bug.
"""
from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InvalidOutputError
from ..models import ChatRequest, Router
from .spec import AgentSpec

O = TypeVar("O", bound=BaseModel)


class AgentRunner:
    def __init__(self, router: Router):
        self.router = router

    async def run(self, spec: AgentSpec, inp: BaseModel, *, avoid: tuple[str, ...] = ()) -> BaseModel:
        return (await self.answer(spec, inp, avoid=avoid))[0]

    async def answer(self, spec: AgentSpec, inp: BaseModel, *,
                     avoid: tuple[str, ...] = ()) -> tuple[BaseModel, str]:
        """The agent's typed output and the provider that gave it. `avoid`: providers to use only
        as a last resort (a reviewer avoids the provider that wrote the draft)."""
        request = ChatRequest(
            role=spec.role, agent=spec.name, messages=spec.render(inp),
            json_schema=spec.output_model.model_json_schema(), max_tokens=spec.max_tokens,
            offline=lambda _req: spec.offline(inp).model_dump_json(), avoid_providers=avoid,
        )
        result = await self.router.complete(request)
        payload = result.parsed if result.parsed is not None else _loads(result.text)
        try:
            return spec.output_model.model_validate(payload), result.provider
        except ValidationError as exc:
            # The router validated against the JSON schema; pydantic may still refuse (e.g. a
            # custom constraint). The offline implementation is the agent's ground truth.
            if result.provider == "offline":
                raise InvalidOutputError(f"agent {spec.name}: offline output invalid: {exc}") from exc
            return spec.offline(inp), "offline"


def _loads(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidOutputError(f"not JSON: {text[:80]!r}") from exc
