"""Pure text helpers for voicing: sentence chunking, script runs, and how long speech should be."""
from __future__ import annotations

import re

# Sentence ends in Chinese and English text; the mark stays with its sentence.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])|(?<=\.)(?=\s)|\n+")
_CLAUSE_END = re.compile(r"(?<=[，,、：:])")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")
_DIGIT = re.compile(r"\d")
# A Latin run: letters, with the spaces, dots, hyphens and digits that hold a name together
# ("Claude 3.5 Sonnet", "GPT-4o"), starting and ending on a letter or digit.
_LATIN_RUN = re.compile(r"[A-Za-z](?:[A-Za-z0-9'’ .+\-]*[A-Za-z0-9])?")


def _pieces(text: str, pattern: re.Pattern) -> list[str]:
    return [p.strip() for p in pattern.split(text) if p and p.strip()]


def _hard_cut(text: str, max_chars: int) -> list[str]:
    return [text[i:i + max_chars] for i in range(0, len(text), max_chars)]


def _pack(pieces: list[str], max_chars: int, joiner: str = "") -> list[str]:
    """Greedily join consecutive pieces while they fit in `max_chars`."""
    out: list[str] = []
    for p in pieces:
        if out and len(out[-1]) + len(joiner) + len(p) <= max_chars:
            out[-1] = out[-1] + joiner + p
        else:
            out.append(p)
    return out


def split_sentences(text: str, max_chars: int = 120, min_chars: int = 8) -> list[str]:
    """Split `text` into chunks that end at sentence boundaries and are at most `max_chars` long.

    A sentence longer than the limit is split at clause marks, and only a clause longer than the
    limit is cut mid-way (a vendor limit must never be exceeded). Fragments shorter than
    `min_chars` are merged into a neighbour, because a TTS engine reads two-character chunks
    with odd prosody. Joining the chunks gives back the text minus whitespace at the cuts.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    chunks: list[str] = []
    for sentence in _pieces(text, _SENTENCE_END):
        if len(sentence) <= max_chars:
            chunks.append(sentence)
            continue
        clauses: list[str] = []
        for clause in _pieces(sentence, _CLAUSE_END):
            clauses.extend(_hard_cut(clause, max_chars) if len(clause) > max_chars else [clause])
        chunks.extend(_pack(clauses, max_chars))
    return _merge_short(chunks, max_chars, min_chars)


def _merge_short(chunks: list[str], max_chars: int, min_chars: int) -> list[str]:
    out: list[str] = []
    for c in chunks:
        if out and (len(c) < min_chars or len(out[-1]) < min_chars) and len(out[-1]) + len(c) <= max_chars:
            out[-1] = _join(out[-1], c)
        else:
            out.append(c)
    return out


def _join(a: str, b: str) -> str:
    # Latin text needs its space back; Chinese text does not use one.
    return f"{a} {b}" if a[-1:].isascii() and b[:1].isascii() else a + b


def script_runs(text: str) -> list[tuple[str, str]]:
    """Cut mixed text into ("zh", run) and ("en", run) parts, in order.

    The Chinese phonemiser silently drops Latin letters, so Latin runs are phonemised by an
    English phonemiser instead. Digits inside a Latin run stay with it ("GPT-4o"); digits
    elsewhere stay with the Chinese text, whose phonemiser reads them as Chinese numbers.
    """
    runs: list[tuple[str, str]] = []
    pos = 0
    for m in _LATIN_RUN.finditer(text):
        if m.start() > pos:
            runs.append(("zh", text[pos:m.start()]))
        runs.append(("en", m.group(0)))
        pos = m.end()
    if pos < len(text):
        runs.append(("zh", text[pos:]))
    return [(kind, run) for kind, run in runs if run.strip()]


def speech_units(text: str) -> float:
    """Roughly how many syllables `text` takes to say: one per Han character, about two per
    Latin word, one per digit (a spoken number has at least as many syllables as digits)."""
    return len(_HAN.findall(text)) + 2 * len(_LATIN_WORD.findall(text)) + len(_DIGIT.findall(text))


def expected_duration(text: str, speed: float = 1.0) -> tuple[float, float]:
    """The shortest and longest plausible duration in seconds for speaking `text`.

    Mandarin newsreading runs about 4-6 syllables a second; the band is wide on purpose so QA
    only flags audio that is clearly cut off (too short) or babbling/stuck (too long).
    """
    units = speech_units(text)
    if units == 0:
        return 0.0, 2.0
    return units / (9.0 * speed), units / (2.5 * speed) + 1.5
