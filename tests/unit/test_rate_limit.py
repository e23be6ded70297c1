"""The token buckets behind the per-key rate limit: a burst at once, the rate in the long
run, and never more than burst + rate × time in any stretch of time."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.rate_limit import TokenBuckets


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_passes_then_the_caller_waits_for_the_next_token():
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=60, burst=3, clock=clock)

    assert [buckets.take("key") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("key") == 1.0  # one token a second
    clock.now = 0.5
    assert buckets.take("key") == 0.5
    clock.now = 1.0
    assert buckets.take("key") == 0
    assert buckets.take("other key") == 0


def test_retry_after_is_whole_seconds_and_never_zero():
    buckets = TokenBuckets(per_minute=600, burst=1)
    assert [buckets.retry_after(w) for w in (0.01, 0.1, 1.0, 1.2)] == [1, 1, 1, 2]


@given(
    gaps=st.lists(st.floats(min_value=0, max_value=3, allow_nan=False), max_size=300),
    per_minute=st.integers(1, 600),
    burst=st.integers(1, 20),
)
def test_admitted_requests_never_exceed_burst_plus_rate_times_time(gaps, per_minute, burst):
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=per_minute, burst=burst, clock=clock)
    admitted = []
    for gap in gaps:
        clock.now += gap
        if buckets.take("key") == 0:
            admitted.append(clock.now)

    for i, start in enumerate(admitted):
        for j in range(i, len(admitted)):
            allowed = burst + (admitted[j] - start) * per_minute / 60
            assert j - i + 1 <= allowed + 1e-9


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=50))
def test_a_waiting_caller_that_waits_as_told_is_admitted(waits):
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=30, burst=2, clock=clock)
    for wait in waits:
        clock.now += wait
        told = buckets.take("key")
        if told:
            clock.now += told
            assert buckets.take("key") == 0


def test_callers_idle_long_enough_are_forgotten_when_many_are_tracked(monkeypatch):
    monkeypatch.setattr("api.rate_limit.TRACKED_MAX", 10)
    clock = FakeClock()
    buckets = TokenBuckets(per_minute=60, burst=5, clock=clock)
    for caller in range(10):
        buckets.take(caller)
    clock.now = 10.0  # every bucket is full again after 5 s

    buckets.take("newcomer")

    assert len(buckets) == 1
