"""Rate limits per API key and per session: a token bucket each (docs/api.md, "Abuse
protection").

A caller may send `burst` requests at once and `per_minute` a minute in the long run; beyond
that the guard answers 429 `RATE_LIMITED` with `Retry-After`. The buckets live in the server
process, so with several processes behind one address each grants the limit (a deliberate
trade: a shared counter would cost a database write on every request).

Litestar's `RateLimitMiddleware` was considered and not taken: it keeps a list of
every request's time per caller and encodes it to JSON on each request behind one global
lock, and it runs before authentication, so it could not count per key or session.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Hashable
from typing import Final

TRACKED_MAX: Final = 100_000  # callers remembered before full buckets are forgotten


class TokenBuckets:
    def __init__(
        self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if per_minute <= 0 or burst <= 0:
            raise ValueError("a rate limit needs a positive rate and burst")
        self.per_minute = per_minute
        self.burst = burst
        self._per_second = per_minute / 60
        self._clock = clock
        self._buckets: dict[Hashable, tuple[float, float]] = {}  # caller → (tokens, as of)

    def take(self, caller: Hashable) -> float:
        """0 if the caller may go ahead (and one token is taken), else the seconds to wait."""
        now = self._clock()
        tokens, then = self._buckets.get(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self._per_second)
        if tokens >= 1 - 1e-9:  # a caller that waited exactly as told is not refused by rounding
            self._remember(caller, tokens - 1, now)
            return 0.0
        self._buckets[caller] = (tokens, now)
        return (1 - tokens) / self._per_second

    def __len__(self) -> int:
        """Callers tracked now."""
        return len(self._buckets)

    def retry_after(self, wait: float) -> int:
        """Whole seconds for the `Retry-After` header, never 0."""
        return max(1, math.ceil(wait))

    def _remember(self, caller: Hashable, tokens: float, now: float) -> None:
        if caller not in self._buckets and len(self._buckets) >= TRACKED_MAX:
            self._forget_full(now)
        self._buckets[caller] = (tokens, now)

    def _forget_full(self, now: float) -> None:
        refill_s = self.burst / self._per_second
        self._buckets = {
            caller: state
            for caller, state in self._buckets.items()
            if now - state[1] < refill_s  # a bucket idle this long is full again: forget it
        }
