"""POST /v1/bookings/batch: per-item answers in order, all-or-nothing with `atomic`, retries.

Goal: a bulk import learns the fate of every item (posted, replayed or rejected with the same
code a single POST /v1/bookings would give), `atomic: true` posts all items or none, and a
retried batch re-books nothing that was already posted (items carry `external_reference`).
Method: post batches to a fresh tenant through the real app on PostgreSQL and compare the
answer item by item with what GET /v1/journal holds afterwards.
"""

from __future__ import annotations

import pytest

from tests.conftest import Tenant, booking, journal_of, refused


def expense(euros: int, **extra) -> dict:
    """A distinct valid booking per amount (equal amounts would be suspected duplicates)."""
    return booking(("6815", "debit", f"{euros}.00"), ("1800", "credit", f"{euros}.00"), **extra)


UNBALANCED = booking(("6815", "debit", "5.00"), ("1800", "credit", "6.00"))
UNKNOWN_ACCOUNT = booking(("12345678", "debit", "5.00"), ("1800", "credit", "5.00"))


async def post_batch(tenant: Tenant, bookings: list[dict], **fields) -> dict:
    response = await tenant.post("/v1/bookings/batch", {"bookings": bookings, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def outcomes(answer: dict) -> list[tuple]:
    return [
        (r["index"], r["status"], r["error"]["code"] if r["error"] else None)
        for r in answer["results"]
    ]


def posted_ids(answer: dict) -> list[str]:
    return [r["booking"]["intent_id"] for r in answer["results"] if r["booking"]]


async def journal_intents(tenant: Tenant) -> list[str]:
    return list(dict.fromkeys(e["intent_id"] for e in await journal_of(tenant)))


async def test_each_item_is_answered_in_order_as_posted_or_rejected_with_its_code(
    tenant: Tenant,
):
    answer = await post_batch(
        tenant, [expense(10), UNBALANCED, expense(20), UNKNOWN_ACCOUNT, expense(30)]
    )

    assert outcomes(answer) == [
        (0, "posted", None),
        (1, "rejected", "BALANCE_MISMATCH"),
        (2, "posted", None),
        (3, "rejected", "ACCOUNT_NOT_FOUND"),
        (4, "posted", None),
    ]
    assert (answer["atomic"], answer["posted"], answer["rejected"]) == (False, 3, 2)
    assert answer["results"][1]["error"]["details"] == {
        "total_debit": "5.00",
        "total_credit": "6.00",
        "difference": "-1.00",
    }
    assert [r["booking"]["total"] for r in answer["results"] if r["booking"]] == [10, 20, 30]
    assert await journal_intents(tenant) == posted_ids(answer)
    assert [e["journal_number"] for e in await journal_of(tenant)] == [1, 2, 3]


@pytest.mark.parametrize("bad_index", [0, 1, 2])
async def test_atomic_batch_with_one_refused_item_posts_nothing(tenant: Tenant, bad_index: int):
    items = [expense(10), expense(20), expense(30)]
    items[bad_index] = UNBALANCED

    answer = await post_batch(tenant, items, atomic=True)

    assert (answer["atomic"], answer["posted"], answer["rejected"]) == (True, 0, 3)
    for result in answer["results"]:
        index, error = result["index"], result["error"]
        assert result["status"] == "rejected"
        assert result["booking"] is None
        if index == bad_index:
            assert error["code"] == "BALANCE_MISMATCH"
            assert error["details"]["index"] == bad_index
        else:
            assert error["code"] == "BATCH_ITEM_FAILED"
            assert error["details"] == {"index": index, "failed_index": bad_index}
    assert await journal_of(tenant) == []


async def test_after_a_failed_atomic_batch_journal_numbers_continue_without_a_gap(
    tenant: Tenant,
):
    await post_batch(tenant, [expense(10), expense(20), UNBALANCED], atomic=True)

    single = await tenant.post("/v1/bookings", expense(40))

    assert single.json()["first_journal_number"] == 1
    assert [e["journal_number"] for e in await journal_of(tenant)] == [1]


async def test_atomic_batch_of_valid_items_posts_all_with_consecutive_numbers(tenant: Tenant):
    answer = await post_batch(tenant, [expense(10), expense(20), expense(30)], atomic=True)

    assert outcomes(answer) == [(0, "posted", None), (1, "posted", None), (2, "posted", None)]
    assert [r["booking"]["first_journal_number"] for r in answer["results"]] == [1, 2, 3]
    assert await journal_intents(tenant) == posted_ids(answer)


async def test_atomic_batch_with_a_duplicate_of_a_posted_booking_posts_nothing(tenant: Tenant):
    first = (await tenant.post("/v1/bookings", expense(20))).json()
    journal = await journal_of(tenant)

    answer = await post_batch(tenant, [expense(10), expense(20)], atomic=True)

    assert outcomes(answer) == [
        (0, "rejected", "BATCH_ITEM_FAILED"),
        (1, "rejected", "DUPLICATE_SUSPECTED"),
    ]
    assert answer["results"][1]["error"]["details"]["intent_id"] == first["intent_id"]
    assert await journal_of(tenant) == journal


async def test_identical_items_in_one_batch_post_once_and_flag_the_copy(tenant: Tenant):
    answer = await post_batch(tenant, [expense(10), expense(10)])

    assert outcomes(answer) == [(0, "posted", None), (1, "rejected", "DUPLICATE_SUSPECTED")]
    assert answer["results"][1]["error"]["details"] == {"intent_id": posted_ids(answer)[0]}


async def test_same_external_reference_and_body_twice_in_one_batch_replays_the_first(
    tenant: Tenant,
):
    item = expense(10, external_reference="row-1")

    answer = await post_batch(tenant, [item, item])

    assert outcomes(answer) == [(0, "posted", None), (1, "replayed", None)]
    assert answer["results"][0]["booking"] == answer["results"][1]["booking"]
    assert len(await journal_of(tenant)) == 1


async def test_retried_batch_replays_items_posted_before_by_external_reference(tenant: Tenant):
    rows = [expense(euros, external_reference=f"row-{euros}") for euros in (10, 20, 30)]
    failed = [rows[0], {**UNBALANCED, "external_reference": "row-20"}, rows[2]]
    first = await post_batch(tenant, failed)
    journal = await journal_of(tenant)

    retry = await post_batch(tenant, rows)

    assert outcomes(first) == [
        (0, "posted", None),
        (1, "rejected", "BALANCE_MISMATCH"),
        (2, "posted", None),
    ]
    assert outcomes(retry) == [(0, "replayed", None), (1, "posted", None), (2, "replayed", None)]
    assert retry["results"][0]["booking"] == first["results"][0]["booking"]
    assert retry["results"][2]["booking"] == first["results"][2]["booking"]
    assert (retry["posted"], retry["rejected"]) == (3, 0)
    assert (await journal_of(tenant))[: len(journal)] == journal
    assert len(await journal_of(tenant)) == len(journal) + 1


async def test_retried_batch_with_an_idempotency_key_replays_posted_items_only(tenant: Tenant):
    key = {"Idempotency-Key": "import-2026-03"}
    first = await tenant.post(
        "/v1/bookings/batch", {"bookings": [expense(10), UNBALANCED, expense(30)]}, headers=key
    )
    fixed = [expense(10), expense(20), expense(30)]
    retry = await tenant.post("/v1/bookings/batch", {"bookings": fixed}, headers=key)
    changed = await tenant.post(
        "/v1/bookings/batch", {"bookings": [expense(11), expense(20), expense(30)]}, headers=key
    )

    assert outcomes(first.json())[1] == (1, "rejected", "BALANCE_MISMATCH")
    assert outcomes(retry.json()) == [
        (0, "replayed", None),
        (1, "posted", None),
        (2, "replayed", None),
    ]
    assert outcomes(changed.json())[0] == (0, "rejected", "IDEMPOTENCY_KEY_REUSED")
    assert len(await journal_intents(tenant)) == 3


@pytest.mark.parametrize(
    ("count", "status"),
    [
        pytest.param(1000, 200, id="1000-accepted"),
        pytest.param(1001, 400, id="1001-refused"),
        pytest.param(0, 400, id="empty-refused"),
    ],
)
async def test_batch_holds_one_to_1000_bookings(tenant: Tenant, count: int, status: int):
    bookings = [expense(euros) for euros in range(1, count + 1)]

    if status == 400:
        await refused(tenant, "/v1/bookings/batch", {"bookings": bookings}, 400, "INVALID_INPUT")
    else:
        answer = await post_batch(tenant, bookings)
        assert (answer["posted"], answer["rejected"]) == (count, 0)
        assert len(await journal_of(tenant)) == count


@pytest.mark.parametrize(
    ("batch", "named"),
    [
        pytest.param(
            {"bookings": [expense(10), {**expense(20), "lines": []}]},
            "lines",
            id="item-without-lines",
        ),
        pytest.param({"bookings": [expense(10)], "atomic": "yes"}, "atomic", id="atomic-not-bool"),
        pytest.param({"bookings": [expense(10)], "mode": "all"}, "mode", id="unknown-field"),
        pytest.param({"atomic": True}, "bookings", id="bookings-missing"),
    ],
)
async def test_malformed_batch_is_refused_whole_as_invalid_input(
    tenant: Tenant, batch: dict, named: str
):
    details = await refused(tenant, "/v1/bookings/batch", batch, 400, "INVALID_INPUT")

    assert named in str(details["problems"])
