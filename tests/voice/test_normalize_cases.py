"""Table-driven cases for speakable(), one per line of tests/fixtures/normalize/*.tsv.

Each fixture file says in its header what it covers; a line is `input<TAB>expected`. Lines that
start with "# " are comments, so an input may still begin with "#" (a hashtag).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from zaowan.voice.normalize import speakable

FIXTURES = Path(__file__).parent.parent / "fixtures" / "normalize"


def _cases() -> list:
    cases = []
    for path in sorted(FIXTURES.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("# ") or line == "#":
                continue
            source, sep, expected = line.partition("\t")
            assert sep, f"{path.name}:{number} has no TAB between input and expected"
            cases.append(pytest.param(source, expected, id=f"{path.stem}:{number}"))
    return cases


CASES = _cases()


def test_there_are_enough_cases():
    assert len(CASES) >= 150


@pytest.mark.parametrize("source,expected", CASES)
def test_speakable(source, expected):
    assert speakable(source) == expected


@pytest.mark.parametrize("source,expected", CASES)
def test_expected_text_is_already_speakable(source, expected):
    # A rerun over the voiced script (a retry, a resumed run) must not change what is said.
    assert speakable(expected) == expected
