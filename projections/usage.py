"""Usage, exact, from events: the intervals of every session and every seat (a client linked to the account),
and the figures of any period computed over them in SQL, so any past period's numbers can be recomputed, and a
rebuild from the event store gives the same ones.

What each figure means: FIGURES (also the route's OpenAPI description).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import asyncpg
import msgspec

from domain.contract.usage import ClientLinked, ClientUnlinked, SessionEnded, SessionStarted
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel, update_row
from projections.sessions import Started  # the same fields of SessionStarted as the Sessions tab reads

USAGE = ReadModel("usage", tables=("usage_sessions", "usage_seats"))
FIGURES = """Periods are the days, or the calendar months, of the account's time zone from `from` to `to`, both
included (a month the range cuts counts only its days in the range). A period ends at the time of the query at
the latest: a session still running, or a client still linked, counts up to now. Intervals are half-open: a
session that ends at t is no longer active at t.

- `peak_concurrent_sessions`: the most sessions active at one instant of the period; `peak_at`: the first
  instant it was reached (the period's start when sessions already running then were the peak; null when 0).
- `sessions`: sessions started in the period.
- `session_minutes`: the time of all sessions within the period (a session across periods counts in each for
  its part there), summed exactly, then rounded down to whole minutes.
- `active_clients`: distinct clients of the account (linked when their session started), on either side of a
  session that started in the period or was running as it began.
- `seat_days`: for each day of the period, the clients linked to the account at some moment of that day,
  summed over the days (a client linked all of a 30-day month counts 30; removed and linked again within one
  day: 1 for that day)."""
erases_deleted_accounts(USAGE, "usage_sessions", "usage_seats")


@USAGE.on(SessionStarted, Started)
async def _started(conn: Fold, e: Started, position: int) -> None:
    await conn.rows("usage_sessions").insert(
        {"account_id": e.account_id, "session_id": e.session_id}, from_client_id=e.from_client_id,
        to_client_id=e.to_client_id, started_at=e.started_at, position=position)


class Ended(msgspec.Struct):
    account_id: UUID
    session_id: str
    ended_at: datetime


@USAGE.on(SessionEnded, Ended)
async def _ended(conn: Fold, e: Ended, position: int) -> None:
    await update_row(conn, "usage_sessions", {"account_id": e.account_id, "session_id": e.session_id}, position,
                     ended_at=e.ended_at)


class Seat(msgspec.Struct):
    account_id: UUID
    client_id: str
    occurred_at: datetime


@USAGE.on(ClientLinked, Seat)
async def _linked(conn: Fold, e: Seat, position: int) -> None:
    await conn.rows("usage_seats").insert({"account_id": e.account_id, "client_id": e.client_id,
                                           "linked_position": position}, linked_at=e.occurred_at, position=position)
    conn.memo[("usage_seat", e.account_id, e.client_id)] = position


@USAGE.on(ClientUnlinked, Seat)
async def _unlinked(conn: Fold, e: Seat, position: int) -> None:
    # Removed, or moved to another account: this account's seat ends either way. The seat is the one linked
    # last before this event, so a redelivery sets the same end again, never a later seat's.
    linked = conn.memo.get(("usage_seat", e.account_id, e.client_id))
    if linked is None:  # no seat of this client folded in this batch: the tables have the last one
        linked = await conn.conn.fetchval(
            """SELECT max(linked_position) FROM usage_seats
               WHERE account_id = $1 AND client_id = $2 AND linked_position < $3""",
            e.account_id, e.client_id, position)
    if linked is not None:
        await update_row(conn, "usage_seats", {"account_id": e.account_id, "client_id": e.client_id,
                                               "linked_position": linked}, position, unlinked_at=e.occurred_at)


# -- queries ---------------------------------------------------------------------------------------------

class UsageItem(msgspec.Struct, kw_only=True):
    period: str  # 2026-11-21 (day) or 2026-11 (month), in the account's time zone
    peak_concurrent_sessions: int
    peak_at: datetime | None
    sessions: int
    session_minutes: int
    active_clients: int
    seat_days: int


@dataclass(frozen=True)
class Period:
    label: str
    start: datetime
    end: datetime  # cut at the query's `now`: never before `start`
    days: list[tuple[datetime, datetime]]  # each local day's [start, end), cut the same way


def periods(first: date, last: date, granularity: str, zone: ZoneInfo, now: datetime) -> list[Period]:
    """The days, or the months (the first and last cut to the range), from `first` to `last` inclusive."""
    def moment(day: date) -> datetime:
        # Local midnight, in UTC: Python subtracts and compares times of one zone by their wall clocks.
        return datetime.combine(day, time(), zone).astimezone(UTC)

    found: list[Period] = []
    day = first
    while day <= last:
        following = day + timedelta(days=1) if granularity == "day" else \
            min((day.replace(day=1) + timedelta(days=32)).replace(day=1), last + timedelta(days=1))
        start = moment(day)
        cut = max(start, min(moment(following), now))
        days = [(moment(d), min(moment(d + timedelta(days=1)), cut)) for d in _dates(day, following)
                if moment(d) < cut]
        found.append(Period(day.isoformat() if granularity == "day" else day.strftime("%Y-%m"), start, cut, days))
        day = following
    return found


def _dates(first: date, end: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((end - first).days)]


PERIODS = "unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p(a, b, i)"

PEAKS = f"""
WITH base AS (  -- the sessions open at the period's start, found by their end (after it, or none yet): for the
    -- current month (the dashboard) that is the month's sessions and the open ones, not all that came before
    SELECT p.i, p.a, CASE WHEN p.a < p.b THEN
        (SELECT count(*) FROM usage_sessions s WHERE s.account_id = $1 AND s.ended_at > p.a AND s.started_at <= p.a)
        + (SELECT count(*) FROM usage_sessions s WHERE s.account_id = $1 AND s.ended_at IS NULL
                                                   AND s.started_at <= p.a)
        ELSE 0 END AS active
    FROM {PERIODS}),
changes AS (  -- inside the period, each instant where sessions start or end, with the net change
    SELECT p.i, c.t, sum(c.delta) AS delta
    FROM {PERIODS} JOIN LATERAL (
        SELECT started_at AS t, 1 AS delta FROM usage_sessions
        WHERE account_id = $1 AND started_at > p.a AND started_at < p.b
        UNION ALL
        SELECT ended_at, -1 FROM usage_sessions
        WHERE account_id = $1 AND ended_at > p.a AND ended_at < p.b) c ON true
    GROUP BY p.i, c.t),
levels AS (
    SELECT i, a AS t, active FROM base
    UNION ALL
    SELECT c.i, c.t, b.active + sum(c.delta) OVER (PARTITION BY c.i ORDER BY c.t)
    FROM changes c JOIN base b USING (i))
SELECT DISTINCT ON (i) i, active::bigint AS peak, t AS peak_at FROM levels ORDER BY i, active DESC, t"""

TOTALS = f"""
SELECT p.i,
       count(s.session_id) FILTER (WHERE s.started_at >= p.a) AS sessions,
       coalesce(floor(sum(extract(epoch FROM least(coalesce(s.ended_at, p.b), p.b) - greatest(s.started_at, p.a))
                          ) FILTER (WHERE s.session_id IS NOT NULL) / 60), 0)::bigint AS session_minutes
FROM {PERIODS} LEFT JOIN usage_sessions s ON s.account_id = $1 AND s.started_at < p.b
     AND (s.started_at >= p.a OR s.ended_at IS NULL OR s.ended_at > p.a)
GROUP BY p.i"""

ACTIVE_CLIENTS = f"""
SELECT p.i, count(DISTINCT seat.client_id) AS active_clients
FROM {PERIODS}
     JOIN usage_sessions s ON s.account_id = $1 AND s.started_at < p.b
          AND (s.started_at >= p.a OR s.ended_at IS NULL OR s.ended_at > p.a)
     JOIN usage_seats seat ON seat.account_id = $1 AND seat.client_id IN (s.from_client_id, s.to_client_id)
          AND seat.linked_at <= s.started_at AND (seat.unlinked_at IS NULL OR seat.unlinked_at > s.started_at)
GROUP BY p.i"""

SEAT_DAYS = """
SELECT d.i, sum(d.seats)::bigint AS seat_days FROM (
    SELECT d.i, count(DISTINCT seat.client_id) AS seats
    FROM unnest($2::timestamptz[], $3::timestamptz[], $4::bigint[]) AS d(a, b, i)
         JOIN usage_seats seat ON seat.account_id = $1 AND seat.linked_at < d.b
              AND (seat.unlinked_at IS NULL OR (seat.unlinked_at > d.a AND seat.unlinked_at > seat.linked_at))
    GROUP BY d.i, d.a) d
GROUP BY d.i"""


async def usage(pool: asyncpg.Pool | asyncpg.Connection, account_id: UUID, first: date, last: date,
                granularity: str, zone: ZoneInfo, now: datetime) -> list[UsageItem]:
    """The figures of each period from `first` to `last` (local dates, inclusive), as they stand at `now`."""
    found = periods(first, last, granularity, zone, now)
    starts, ends = [p.start for p in found], [p.end for p in found]
    days = [(a, b, i) for i, p in enumerate(found, start=1) for a, b in p.days]
    peaks = {r["i"]: r for r in await pool.fetch(PEAKS, account_id, starts, ends)}
    totals = {r["i"]: r for r in await pool.fetch(TOTALS, account_id, starts, ends)}
    clients = {r["i"]: r["active_clients"] for r in await pool.fetch(ACTIVE_CLIENTS, account_id, starts, ends)}
    seats = {r["i"]: r["seat_days"] for r in await pool.fetch(SEAT_DAYS, account_id, [d[0] for d in days],
                                                              [d[1] for d in days], [d[2] for d in days])}
    return [UsageItem(period=p.label, peak_concurrent_sessions=peaks[i]["peak"],
                      peak_at=peaks[i]["peak_at"] if peaks[i]["peak"] else None, sessions=totals[i]["sessions"],
                      session_minutes=totals[i]["session_minutes"], active_clients=clients.get(i, 0),
                      seat_days=seats.get(i, 0))
            for i, p in enumerate(found, start=1)]


class MonthPeak(msgspec.Struct, kw_only=True):
    month: str  # 2026-11, in the account's time zone
    peak_concurrent_sessions: int
    peak_at: datetime | None


def this_month(zone: ZoneInfo, now: datetime) -> Period:
    """The calendar month of `now` in `zone`, up to `now` (the License tab shows its peak beside the limit)."""
    today = now.astimezone(zone).date()
    (month,) = periods(today.replace(day=1), today, "month", zone, now)
    return month
