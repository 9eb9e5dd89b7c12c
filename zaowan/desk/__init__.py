"""The story desk: cluster, date, corroborate and rank (see vet.py for the order of checks)."""
from .cluster import default_embedder
from .vet import DeskResult, vet

__all__ = ["DeskResult", "vet", "default_embedder"]
