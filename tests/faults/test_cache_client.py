"""The cache keeps one Redis client per connection pool (`core.cache`): the kept client serves every call, and a
Redis restarted under it serves again as soon as it answers, as a client made per call did."""
import pytest
from redis.exceptions import RedisError

from core.cache import RedisCache


def test_the_kept_client_serves_every_call_and_outlives_a_redis_restart(redis_server):
    cache = RedisCache(redis_server.url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    cache.set("figure", 1)
    assert cache.get("figure") == 1
    client = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is client
    redis_server.stop()
    with pytest.raises(RedisError):
        cache.get("figure")
    redis_server.start()
    assert cache.get("figure") is None  # this Redis keeps nothing on disk: it comes back empty
    cache.set("figure", 2)
    assert cache.get("figure") == 2 and cache._cache.get_client() is client
