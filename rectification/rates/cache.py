"""Cached rates answers: keyed by a snapshot version that every recompute replaces (`core.versioned_cache`)."""
from django.conf import settings

from core.versioned_cache import version, version_bump, versioned_cached

SNAPSHOT_VERSION_KEY = "rates:snapshot-version"


def snapshot_version() -> str:
    """A token that changes whenever snapshots are written (or who may read which changes): part of the
    key of every cached rates answer, so a recompute ends them all at once."""
    return version(SNAPSHOT_VERSION_KEY)


def snapshot_version_bump() -> None:
    version_bump(SNAPSHOT_VERSION_KEY)


def snapshot_cached(key_parts: tuple, build):
    """`build()`, cached under `key_parts` for the current snapshot version, for at most RATES_CACHE_SECONDS.
    `key_parts` must hold everything the answer depends on besides the snapshots (who asks, what they asked).
    The cache only saves work: when Redis cannot be reached the answer is built as if nothing were cached.
    RATES_CACHE_SECONDS=0 turns it off: every answer is built, and Redis is not asked."""
    return versioned_cached("rates:answer", (SNAPSHOT_VERSION_KEY,), key_parts, build, settings.RATES_CACHE_SECONDS)
