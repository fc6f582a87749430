import pytest

from parley.ops import cache as ops_cache

from .redis_process import RedisProcess


@pytest.fixture
def redis_process():
    server = RedisProcess()
    server.start()
    ops_cache._health.down_until = 0.0
    ops_cache._health.pending.clear()
    yield server
    server.stop()
