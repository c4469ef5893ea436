"""Answers cached in Redis while the versions they were built under stand: a change replaces a version, and with
it ends every answer that could show the change, at once.

- the snapshot version (`rectification.rates.cache`): replaced by every recompute of the rates snapshots;
- the live version (`LIVE_VERSION_KEY`): replaced once a transaction that changed what a cached page shows from
  the records themselves commits (`live_changed`: tasks, findings, leads, inspections, organisations, warnings,
  rounds, 延期, progress records, group members, roles and permissions).

A version is read before the answer is built, so a change committing meanwhile leaves an answer stored under
the older version, which nobody reads again. The cache only saves work: when Redis cannot be reached the answer
is built as if nothing were cached; a version that could not be replaced (Redis down at that moment) leaves
answers until their timeout.
"""
import hashlib
import logging
import time
import uuid

from django.core.cache import cache
from redis.exceptions import RedisError

from core.on_commit import gathered_pending, on_commit_gathered

logger = logging.getLogger(__name__)

LIVE_VERSION_KEY = "pages:live-version"
LIVE_VERSION = "live-version"  # the bump gathered per transaction (core.on_commit)
# After a Redis error this process builds answers without asking Redis for a while: a hung Redis would otherwise
# cost every request its timeout (0.5 s) once per cached piece.
PAUSE_AFTER_ERROR_SECONDS = 5.0
_paused_until = 0.0


def version(key: str) -> str:
    """The current token of version `key` ("" when nothing is cached); the first reader sets it."""
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        value = cache.get(key, "")  # whoever added first wins
    return value


def version_bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, timeout=None)


def live_changed() -> None:
    """End the answers cached under the live version once the current transaction commits (at once outside
    one): one bump per transaction, however many changes it makes."""
    on_commit_gathered(LIVE_VERSION, {LIVE_VERSION_KEY}, _live_version_bump)


def _live_version_bump(keys) -> None:
    # After the commit: an error here would fail a request whose change is already stored.
    try:
        version_bump(LIVE_VERSION_KEY)
    except RedisError as error:
        logger.warning("live version not replaced, cached pages end with their timeout: %s", error)


def versioned_cached(name: str, versions: tuple[str, ...], key_parts: tuple, build, seconds: int):
    """`build()`, cached for at most `seconds` under `key_parts` while every one of `versions` stands; one Redis
    round trip when it is cached. `key_parts` must hold everything the answer depends on besides what the
    versions follow (who asks and what they see, what they asked, today's date). `seconds` <= 0: always built,
    and Redis is not asked."""
    if seconds <= 0 or time.monotonic() < _paused_until or (
            LIVE_VERSION_KEY in versions and gathered_pending(LIVE_VERSION)):
        # Inside a transaction that changed the records, its own changes show to it (not yet committed, they
        # are not stored for anyone else either).
        return build()
    key = f"{name}:" + hashlib.sha256(repr(key_parts).encode()).hexdigest()
    try:
        found = cache.get_many([*versions, key])
        current = tuple(found.get(key_) or version(key_) for key_ in versions)
    except RedisError as error:
        _pause(error)
        return build()
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        return stored[1]
    value = build()
    try:
        cache.set(key, (current, value), seconds)
    except RedisError as error:
        _pause(error)
    return value


def _pause(error) -> None:
    global _paused_until
    logger.warning("cache unavailable, answering uncached for %s s: %s", PAUSE_AFTER_ERROR_SECONDS, error)
    _paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS
