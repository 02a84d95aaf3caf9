"""One version token for everything the public pages show from the catalogue.

Every cache key of a public page contains the token; a change to a Service, its
requirements, the service points and hours, the Maklumat or a holiday replaces the
token (requests_app/signals.py), so the next request renders fresh. The token is the
time of the change plus a random part: the time doubles as Last-Modified, and the random
part makes sure a token recreated after the cache was flushed (or under a frozen clock)
never equals an older one, so no stale entry comes back.
"""

import hashlib
import time
import uuid

from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "public:version"
# Entries are also dropped after a while, so a change made behind the ORM's back
# (queryset.update(), SQL) is visible within this many seconds.
FRAGMENT_TIMEOUT = 60 * 60


def _new_token() -> str:
    return f"{time.time_ns()}-{uuid.uuid4().hex[:12]}"


def public_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = _new_token()
        # add() keeps a token another process set in the meantime.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def bump_public_version() -> None:
    cache.set(VERSION_KEY, _new_token(), timeout=None)


def version_timestamp(version: str) -> int:
    """The version token as seconds since the epoch (for Last-Modified)."""
    return int(version.split("-")[0]) // 1_000_000_000


def public_key(*parts) -> str:
    """A cache key for public content: version, language, then the caller's parts."""
    language = translation.get_language() or "id"
    # User input (a search term) ends up in the parts: hash it into a safe, short key.
    digest = hashlib.md5(repr(parts).encode(), usedforsecurity=False).hexdigest()
    return f"public:{public_version()}:{language}:{parts[0]}:{digest}"


def cached(key_parts, compute, timeout=FRAGMENT_TIMEOUT):
    """Return compute() through the cache under public_key(*key_parts)."""
    key = public_key(*key_parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout)
    return value
