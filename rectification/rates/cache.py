"""Cached rates answers: keyed by a snapshot version that every recompute replaces."""
import hashlib
import logging
import uuid
from contextlib import suppress

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


SNAPSHOT_VERSION_KEY = "rates:snapshot-version"


def snapshot_version() -> str:
    """A token that changes whenever snapshots are written (or who may read which changes): part of the
    key of every cached rates answer, so a recompute ends them all at once."""
    version = cache.get(SNAPSHOT_VERSION_KEY)
    if version is None:
        cache.add(SNAPSHOT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(SNAPSHOT_VERSION_KEY, "")  # whoever added first wins; "" when nothing is cached
    return version


def snapshot_version_bump() -> None:
    cache.set(SNAPSHOT_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def snapshot_cached(key_parts: tuple, build):
    """`build()`, cached under `key_parts` for the current snapshot version, for at most RATES_CACHE_SECONDS.
    `key_parts` must hold everything the answer depends on besides the snapshots (who asks, what they asked).
    The cache only saves work: when Redis cannot be reached the answer is built as if nothing were cached.
    RATES_CACHE_SECONDS=0 turns it off: every answer is built, and Redis is not asked."""
    if settings.RATES_CACHE_SECONDS <= 0:
        return build()
    try:
        key = "rates:answer:" + hashlib.sha256(repr((snapshot_version(), *key_parts)).encode()).hexdigest()
        value = cache.get(key)
    except RedisError as error:
        logger.warning("rates cache unavailable, answering uncached: %s", error)
        return build()
    if value is None:
        value = build()
        with suppress(RedisError):
            cache.set(key, value, settings.RATES_CACHE_SECONDS)
    return value
