"""Hypothesis strategies shared by the unit property tests."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import strategies as st


@st.composite
def split(draw: st.DrawFn, total_cents: int, parts_max: int) -> list[int]:
    """`total_cents` cut at random into 1..parts_max positive amounts (fewer if it is tiny)."""
    parts = min(draw(st.integers(1, parts_max)), total_cents)
    cuts = draw(
        st.lists(
            st.integers(1, total_cents - 1), unique=True, min_size=parts - 1, max_size=parts - 1
        )
        if parts > 1
        else st.just([])
    )
    bounds = [0, *sorted(cuts), total_cents]
    return [high - low for low, high in pairwise(bounds)]
