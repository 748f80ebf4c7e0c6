"""The help desk's per-staff limit (gateway/throttle.py) on the session's PostgreSQL: counted per staff member
and kind of request, refused with Retry-After once the window is full, even when the requests come at once."""

import asyncio
from uuid import uuid4

import pytest

from gateway.problems import Problem
from gateway.throttle import STAFF_LIMITS, STAFF_WINDOW, count_staff_request


async def attempt(pool, scope: str, staff_id) -> int | None:
    """None when counted; the Retry-After seconds when refused."""
    try:
        await count_staff_request(pool, scope, staff_id)
    except Problem as refused:
        assert refused.status_code == 429
        return int(refused.headers["Retry-After"])  # type: ignore[index]
    return None


async def test_a_staff_member_is_refused_past_the_limit_even_all_at_once(pool):
    staff_id, limit = uuid4(), STAFF_LIMITS["code sent"]

    answers = await asyncio.gather(*[attempt(pool, "code sent", staff_id) for _ in range(limit + 3)])

    assert answers.count(None) == limit
    assert all(0 < wait <= STAFF_WINDOW.total_seconds() for wait in answers if wait is not None)


@pytest.mark.parametrize("other", ["another staff member", "another kind"])
async def test_the_limit_is_per_staff_member_and_kind(pool, other):
    staff_id = uuid4()
    for _ in range(STAFF_LIMITS["code sent"]):
        await count_staff_request(pool, "code sent", staff_id)

    scope, who = ("code sent", uuid4()) if other == "another staff member" else ("code checked", staff_id)

    assert await attempt(pool, scope, who) is None
