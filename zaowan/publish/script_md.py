"""Scripts as Markdown, in the contract's order (pure)."""
from __future__ import annotations

from ..records import Script


def render_script(script: Script) -> str:
    lines = [f"# {script.title}", *script.hooks, "", script.greeting, ""]
    for line in script.stories:
        lines += [line.text, ""]
    lines += [script.signoff, "", "本期关键词:"]
    lines += [f"#{k}" for k in script.keywords]
    return "\n".join(lines) + "\n"


def script_plain_text(script: Script) -> str:
    """What the host says, in air order: the transcript without the title and hashtags."""
    return "\n".join(line.text for line in script.spoken_lines())
