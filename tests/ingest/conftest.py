from __future__ import annotations

import pytest

from zaowan.config import Config, NetworkConfig, SourceConfig
from zaowan.store import Store

from .server import LoopbackServer


@pytest.fixture
def server():
    srv = LoopbackServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "z.db")
    yield s
    s.close()


def make_config(sources: list[SourceConfig], **net) -> Config:
    """Loopback is only reachable because the test allows it, exactly as a demo would."""
    network = NetworkConfig(allow_hosts=["127.0.0.1"], timeout_s=net.pop("timeout_s", 3.0),
                            connect_timeout_s=1.0, **net)
    return Config(sources=sources, network=network)
