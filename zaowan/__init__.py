"""zaowan (早晚) — an AI newsroom in a box."""

__version__ = "0.1.0"
