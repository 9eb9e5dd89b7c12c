"""Typed model-router settings: provider rows, role chains, policy and budget.

Providers are data. A row names a wire protocol (`kind`), a base URL, the environment
variable holding its key, a capability profile and a price table; every OpenAI-compatible
service is just another row. Users add or override rows under `[models.providers.<name>]`
in `zaowan.toml`; rows they write are merged over the presets by name, so overriding one
field (say, a proxy `base_url`) keeps the rest of the preset.

A chain entry is `"<provider>/<model>"` or the word `"offline"` (the agent's own
deterministic implementation, supplied by the runner).
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

OFFLINE = "offline"
WireKind = Literal["openai", "anthropic", "gemini"]


class ModelRow(BaseModel):
    """One model a provider serves. Prices are per million tokens in `currency`."""

    context: int = Field(32_000, gt=0)  # prompt + answer window, in tokens
    max_output: int = Field(8_192, gt=0)  # ceiling for the max_tokens ladder
    price_in: float = Field(0.0, ge=0)
    price_out: float = Field(0.0, ge=0)
    currency: Literal["USD", "CNY"] = "USD"


class Profile(BaseModel):
    """Vendor quirks as data, so the wire client has no `if vendor == ...` branches."""

    json_mode: bool = True  # accepts response_format={"type": "json_object"}
    max_tokens_field: str = "max_tokens"  # some endpoints want max_completion_tokens
    temperature: bool = True  # some reasoning models reject a temperature


class ProviderRow(BaseModel):
    kind: WireKind = "openai"
    base_url: str
    key_env: str = ""  # empty: no key needed (local servers)
    region: Literal["cn", "overseas", "local"] = "overseas"
    profile: Profile = Profile()
    models: dict[str, ModelRow] = Field(default_factory=dict)
    concurrency: int = Field(4, ge=1)  # requests in flight at once
    rpm: float = Field(0, ge=0)  # requests per minute; 0 = unlimited

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {v!r}")
        return v.rstrip("/")


class PolicyConfig(BaseModel):
    """How hard the router tries before moving down a chain."""

    timeout_s: float = Field(90.0, gt=0)  # whole-attempt deadline, body included
    connect_timeout_s: float = Field(10.0, gt=0)
    deadline_s: float = Field(300.0, gt=0)  # one request across its whole chain (offline excepted)
    max_retries: int = Field(2, ge=0)  # per chain entry, on transient errors
    backoff_base_s: float = Field(1.0, ge=0)
    backoff_max_s: float = Field(20.0, ge=0)
    retry_after_max_s: float = Field(30.0, ge=0)  # longer waits move to the next model instead
    length_ladder: int = Field(2, ge=0)  # times max_tokens is doubled after finish_reason=length
    max_reasks: int = Field(1, ge=0)  # re-asks with the validation error before the next model
    cooldown_after: int = Field(3, ge=1)  # consecutive provider failures before a cooldown
    cooldown_s: float = Field(120.0, ge=0)
    cache: bool = True  # serve identical requests from the call log


class BudgetConfig(BaseModel):
    """A spending cap per edition. `degrade` skips paid models once the cap is near; `stop` raises."""

    cap: float = Field(0.0, ge=0)  # 0 = no cap
    currency: Literal["USD", "CNY"] = "USD"
    on_exceed: Literal["degrade", "stop"] = "degrade"
    cny_per_usd: float = Field(7.2, gt=0)


def _m(context: int, max_output: int, price_in: float, price_out: float, currency: str = "USD") -> ModelRow:
    return ModelRow(context=context, max_output=max_output, price_in=price_in, price_out=price_out,
                    currency=currency)


# Presets. Prices are list prices per million tokens as published by each vendor at the time
# of writing; check your vendor's price page and override them in zaowan.toml.
PRESETS: dict[str, ProviderRow] = {
    "deepseek": ProviderRow(base_url="https://api.deepseek.com/v1", key_env="DEEPSEEK_API_KEY", region="cn",
                            models={"deepseek-chat": _m(64_000, 8_192, 2, 8, "CNY")}),
    "qwen": ProviderRow(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", key_env="DASHSCOPE_API_KEY",
                        region="cn", models={"qwen-plus": _m(131_072, 8_192, 0.8, 2, "CNY"),
                                             "qwen-long": _m(1_000_000, 8_192, 0.5, 2, "CNY")}),
    "kimi": ProviderRow(base_url="https://api.moonshot.cn/v1", key_env="MOONSHOT_API_KEY", region="cn",
                        models={"kimi-k2-0711-preview": _m(131_072, 8_192, 4, 16, "CNY")}),
    "glm": ProviderRow(base_url="https://open.bigmodel.cn/api/paas/v4", key_env="ZHIPUAI_API_KEY", region="cn",
                       models={"glm-4-air": _m(128_000, 4_096, 0.5, 0.5, "CNY")}),
    "minimax": ProviderRow(base_url="https://api.minimax.chat/v1", key_env="MINIMAX_API_KEY", region="cn",
                           profile=Profile(json_mode=False),
                           models={"MiniMax-Text-01": _m(1_000_000, 8_192, 1, 8, "CNY")}),
    "openai": ProviderRow(base_url="https://api.openai.com/v1", key_env="OPENAI_API_KEY",
                          models={"gpt-4o-mini": _m(128_000, 16_384, 0.15, 0.6)}),
    "anthropic": ProviderRow(kind="anthropic", base_url="https://api.anthropic.com/v1", key_env="ANTHROPIC_API_KEY",
                             profile=Profile(json_mode=False),
                             models={"claude-3-5-haiku-latest": _m(200_000, 8_192, 0.8, 4)}),
    "gemini": ProviderRow(kind="gemini", base_url="https://generativelanguage.googleapis.com/v1beta",
                          key_env="GEMINI_API_KEY", models={"gemini-2.0-flash": _m(1_000_000, 8_192, 0.1, 0.4)}),
    "xai": ProviderRow(base_url="https://api.x.ai/v1", key_env="XAI_API_KEY",
                       models={"grok-3-mini": _m(131_072, 8_192, 0.3, 0.5)}),
    "openrouter": ProviderRow(base_url="https://openrouter.ai/api/v1", key_env="OPENROUTER_API_KEY",
                              models={"deepseek/deepseek-chat": _m(64_000, 8_192, 0.3, 0.9)}),
    # Local engines: no key, no price. They join a chain only when the user puts them there.
    "ollama": ProviderRow(base_url="http://127.0.0.1:11434/v1", region="local", concurrency=1,
                          models={"qwen2.5:1.5b": _m(32_768, 4_096, 0, 0)}),
    "llamacpp": ProviderRow(base_url="http://127.0.0.1:8080/v1", region="local", concurrency=1,
                            models={"local": _m(4_096, 2_048, 0, 0)}),
    "vllm": ProviderRow(base_url="http://127.0.0.1:8000/v1", region="local",
                        models={"Qwen/Qwen2.5-7B-Instruct": _m(32_768, 4_096, 0, 0)}),
}

_CN = {"deepseek": "deepseek/deepseek-chat", "qwen": "qwen/qwen-plus", "kimi": "kimi/kimi-k2-0711-preview",
       "glm": "glm/glm-4-air", "minimax": "minimax/MiniMax-Text-01"}
_OVERSEAS = {"openai": "openai/gpt-4o-mini", "claude": "anthropic/claude-3-5-haiku-latest",
             "gemini": "gemini/gemini-2.0-flash", "grok": "xai/grok-3-mini"}

# Every role: one Chinese and one overseas model backing each other up, then the offline editor.
# Reviewers (deputy editor, proofreader, fact checker) lead with a different vendor than the
# writers, so a draft is checked by a model that did not write it.
DEFAULT_CHAINS: dict[str, list[str]] = {
    "collector": [_CN["qwen"], _OVERSEAS["gemini"], OFFLINE],
    "extractor": [_CN["qwen"], _OVERSEAS["gemini"], OFFLINE],
    "fact_checker": [_OVERSEAS["claude"], _CN["deepseek"], OFFLINE],
    "editor_in_chief": [_CN["deepseek"], _OVERSEAS["openai"], OFFLINE],
    "deputy_editor": [_OVERSEAS["claude"], _CN["kimi"], OFFLINE],
    "writer": [_CN["deepseek"], _OVERSEAS["openai"], OFFLINE],
    "short_writer": [_CN["deepseek"], _OVERSEAS["openai"], OFFLINE],
    "hook_writer": [_CN["kimi"], _OVERSEAS["gemini"], OFFLINE],
    "tagger": [_CN["glm"], _OVERSEAS["gemini"], OFFLINE],
    "proofreader": [_OVERSEAS["openai"], _CN["qwen"], OFFLINE],
    "voice_director": [_CN["minimax"], _OVERSEAS["openai"], OFFLINE],
}


class ModelsConfig(BaseModel):
    """`[models]` in zaowan.toml: providers (merged over presets), role chains, policy, budget."""

    providers: dict[str, ProviderRow] = Field(default_factory=dict)
    roles: dict[str, list[str]] = Field(default_factory=dict)
    policy: PolicyConfig = PolicyConfig()
    budget: BudgetConfig = BudgetConfig()

    @model_validator(mode="before")
    @classmethod
    def _merge_presets(cls, data: object) -> object:
        data = dict(data) if isinstance(data, dict) else {}
        user = data.get("providers") or {}
        merged: dict[str, object] = {k: v.model_dump() for k, v in PRESETS.items()}
        for name, row in user.items():
            base = merged.get(name, {})
            if isinstance(row, ProviderRow):
                row = row.model_dump(exclude_unset=True)
            if isinstance(base, dict) and isinstance(row, dict):
                merged[name] = _deep_merge(base, row)
            else:
                merged[name] = row
        data["providers"] = merged
        data["roles"] = {**DEFAULT_CHAINS, **(data.get("roles") or {})}
        return data

    @model_validator(mode="after")
    def _chains_resolve(self) -> "ModelsConfig":
        for role, chain in self.roles.items():
            if not chain:
                raise ValueError(f"role {role!r} has an empty chain")
            for entry in chain:
                self.resolve(entry, role=role)
        return self

    def resolve(self, entry: str, role: str = "?") -> tuple[str, str]:
        """Split a chain entry into (provider, model) and check both exist."""
        if entry == OFFLINE:
            return OFFLINE, OFFLINE
        provider, sep, model = entry.partition("/")
        if not sep or not model:
            raise ValueError(f"role {role!r}: chain entry {entry!r} is not '<provider>/<model>' or 'offline'")
        row = self.providers.get(provider)
        if row is None:
            raise ValueError(f"role {role!r}: unknown provider {provider!r} in {entry!r}")
        if model not in row.models:
            raise ValueError(f"role {role!r}: provider {provider!r} has no model {model!r} "
                             f"(known: {', '.join(sorted(row.models)) or 'none'})")
        return provider, model


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _deep_merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out
