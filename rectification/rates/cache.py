"""Cached rates answers: keyed by a snapshot version that every recompute replaces (`core.versioned_cache`)."""
from django.conf import settings

from core.versioned_cache import version_bump, versioned_cached

SNAPSHOT_VERSION_KEY = "rates:snapshot-version"


def snapshot_version_bump() -> None:
    """A recompute (or a change of who may read which snapshots) ends every answer cached under the snapshots."""
    version_bump(SNAPSHOT_VERSION_KEY)


def snapshot_cached(key_parts: tuple, build):
    """`build()`, cached under `key_parts` for the current snapshot version, for at most RATES_CACHE_SECONDS.
    `key_parts` must hold everything the answer depends on besides the snapshots (who asks, what they asked).
    The cache only saves work: when Redis cannot be reached the answer is built as if nothing were cached.
    RATES_CACHE_SECONDS=0 turns it off: every answer is built, and Redis is not asked."""
    return versioned_cached("rates:answer", (SNAPSHOT_VERSION_KEY,), key_parts, build, settings.RATES_CACHE_SECONDS)
