"""Fixed-window rate limits on Django's cache (Redis in production, so all processes share the counters).

    if not ratelimit.hit(f"file:ip:{ratelimit.client_ip(request)}", limit=10, window=3600):
        ...refuse with 429...

A window starts at the first hit of a key and lasts `window` seconds; `hit` counts the call and says
whether it is still within the limit. Keys are hashed, so any text (an e-mail, an IP) may be used.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

PREFIX = "rl:"


def _key(key: str) -> str:
    return PREFIX + hashlib.sha256(key.encode()).hexdigest()[:40]


def hit(key: str, limit: int, window: int) -> bool:
    """Count one attempt for `key`; True while at most `limit` attempts fell in the current window."""
    k = _key(key)
    # add() only creates the counter when absent, so concurrent first hits do not reset each other;
    # incr() is atomic on Redis.
    cache.add(k, 0, timeout=window)
    try:
        count = cache.incr(k)
    except ValueError:  # the counter expired between add() and incr()
        cache.set(k, 1, timeout=window)
        count = 1
    return count <= limit


def is_limited(key: str, limit: int) -> bool:
    """True when `key` already used up its limit, without counting an attempt."""
    return (cache.get(_key(key)) or 0) >= limit


def reset(key: str) -> None:
    cache.delete(_key(key))


def client_ip(request) -> str:
    """The client's address. Behind N reverse proxies (settings.NUM_PROXIES, default 0) it is taken from
    X-Forwarded-For, N entries from the right: the entries further left are set by the client and can lie."""
    proxies = getattr(settings, "NUM_PROXIES", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
