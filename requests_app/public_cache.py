"""One version token for everything the public pages show from the catalogue.

Every cache key of a public page contains the token; a change to a Service, its
requirements, the service points and hours, the Maklumat or a holiday replaces the
token (requests_app/signals.py), so the next request renders fresh. The token is the
time of the change plus a random part: the time doubles as Last-Modified, and the random
part makes sure a token recreated after the cache was flushed (or under a frozen clock)
never equals an older one, so no stale entry comes back.

A public view builds its response inside one_version(): one token for the whole page, read from
the cache at most once a second per process; with cached(..., local=True) a hot page is then
answered from this process's memory without any cache round trip (bench/public.sh measures it).
A change made in another process is therefore seen here within VERSION_TTL seconds.
"""

import contextlib
import contextvars
import hashlib
import time
import uuid

from django.core.cache import cache
from django.core.signals import setting_changed
from django.utils import translation

VERSION_KEY = "public:version"
# Entries are also dropped after a while, so a change made behind the ORM's back
# (queryset.update(), SQL) is visible within this many seconds.
FRAGMENT_TIMEOUT = 60 * 60


def _new_token() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:12]}"


# Set by one_version(): the token read once for the whole response being built.
_pinned_version = contextvars.ContextVar("public_version", default=None)
# one_version() reuses a token this process read less than VERSION_TTL seconds ago: a hot public page then
# costs no cache round trip at all (with cached(..., local=True)). A change made in another process shows
# here within that second; one made in this process (bump_public_version) at once.
VERSION_TTL = 1.0
_recent = {"version": None, "read_at": 0.0}


def _recent_version() -> str:
    now = time.monotonic()
    if _recent["version"] is None or now - _recent["read_at"] >= VERSION_TTL:
        _recent["version"], _recent["read_at"] = public_version(), now
    return _recent["version"]


@contextlib.contextmanager
def one_version():
    """One version token for everything built inside the block (one page: its ETag, fragments and the
    whole-page entry), so they are consistent with each other; read from the cache at most once a second."""
    token = _pinned_version.set(_pinned_version.get() or _recent_version())
    try:
        yield
    finally:
        _pinned_version.reset(token)


def forget_local() -> None:
    """Drop this process's copies (the recent token, the local values): for tests, which clear the cache."""
    _recent["version"] = None
    _local.clear()


# override_settings(CACHES=...) in tests points the cache elsewhere: nothing read from the old one may be reused.
setting_changed.connect(lambda setting, **kwargs: setting == "CACHES" and forget_local(),
                        dispatch_uid="public-cache-forget-local", weak=False)


def public_version() -> str:
    pinned = _pinned_version.get()
    if pinned is not None:
        return pinned
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _new_token()
        # add() keeps a token another process set in the meantime.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def bump_public_version() -> None:
    version = _new_token()
    cache.set(VERSION_KEY, version, timeout=None)
    _recent["version"], _recent["read_at"] = version, time.monotonic()


def version_timestamp(version: str) -> int:
    """The version token as seconds since the epoch (for Last-Modified)."""
    return int(version.split("-")[0]) // 1_000_000_000


def public_key(*parts) -> str:
    """A cache key for public content: version, language, then the caller's parts."""
    language = translation.get_language() or "id"
    # User input (a search term) ends up in the parts: hash it into a safe, short key.
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"public:{public_version()}:{language}:{parts[0]}:{digest}"


# cached(..., local=True) also keeps the value in this process's memory for up to LOCAL_TIMEOUT seconds, so a
# hot page costs one cache round trip (the version token) instead of one per value. Safe because every key
# holds the version: a change replaces the token, and a local entry of an older token is never asked for again.
LOCAL_TIMEOUT = 10
LOCAL_MAX_ENTRIES = 200
_local = {}  # key -> (monotonic expiry, value)


def _local_get(key):
    entry = _local.get(key)
    if entry is not None and entry[0] > time.monotonic():
        return entry[1]
    return None


def _local_set(key, value, timeout):
    now = time.monotonic()
    if len(_local) >= LOCAL_MAX_ENTRIES:
        for old in [k for k, (expires, _v) in _local.items() if expires <= now]:
            del _local[old]
        while len(_local) >= LOCAL_MAX_ENTRIES:  # still full: drop the oldest entries (dicts keep insertion order)
            del _local[next(iter(_local))]
    _local[key] = (now + min(timeout, LOCAL_TIMEOUT), value)


def cached(key_parts, compute, timeout=FRAGMENT_TIMEOUT, *, local=False):
    """Return compute() through the cache under public_key(*key_parts).

    local=True: also through this process's memory (see LOCAL_TIMEOUT); for values nobody mutates.
    """
    key = public_key(*key_parts)
    value = _local_get(key) if local else None
    if value is not None:
        return value
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    if local:
        _local_set(key, value, timeout)
    return value
