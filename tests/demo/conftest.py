from datetime import datetime, timezone

import pytest

from zaowan.demo import DemoServer, load_manifest

# A fixed moment so every rendered date can be checked exactly.
NOW = datetime(2026, 3, 15, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing


@pytest.fixture(scope="session")
def server():
    with DemoServer(now=NOW) as srv:
        yield srv


@pytest.fixture(scope="session")
def manifest():
    return load_manifest()
