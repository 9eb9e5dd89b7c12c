"""The model router: every text step backed by a Chinese and an overseas model, then the offline editor.

    from zaowan.models import Router, ChatRequest, ChatResult
    router = Router.from_config(cfg, store, edition_id="2026-11-22-morning")
    result = await router.complete(ChatRequest(role="writer", agent="full_writer", messages=[...]))

See docs/models.md for providers, chains, policy and the call log.
"""
from .base import CallError, ChatRequest, ChatResult, Reply, WireCall
from .config import DEFAULT_CHAINS, OFFLINE, PRESETS, ModelsConfig, ModelRow, ProviderRow
from .router import BudgetExceededError, Router

__all__ = ["BudgetExceededError", "CallError", "ChatRequest", "ChatResult", "DEFAULT_CHAINS", "ModelRow",
           "ModelsConfig", "OFFLINE", "PRESETS", "ProviderRow", "Reply", "Router", "WireCall"]
