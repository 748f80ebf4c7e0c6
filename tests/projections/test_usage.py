"""Usage, exact: figures computed by SQL over the usage read model equal a brute-force count over a random
history made through the real domain on a controlled clock, and a replay from the event store gives the same."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import asyncpg
import eventsourcing.domain
import msgspec
import pytest

from domain import store
from domain.application import Portal
from domain.contract import to_public
from projections.rebuild import create_scratch, replay
from projections.fold import Fold
from projections.usage import PEAKS, USAGE, UsageItem, periods, this_month, usage
from workers.shredding import StreamKeys

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 10, 18, 21, 30, tzinfo=UTC)  # the history crosses the end of summer time (25 October)


class Clock:
    def __init__(self) -> None:
        self.at = START

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The domain's clock and the event store's timestamps, both moving only when the test says."""
    clock = Clock()
    monkeypatch.setattr(store, "now", clock)
    for module in ("domain.session_commands", "domain.client_commands", "domain.license_commands"):
        monkeypatch.setattr(f"{module}.now", clock, raising=False)
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", clock)
    return clock


@dataclass
class History:
    """What the test did, and when: the truth the brute force counts from."""

    sessions: dict[str, list] = field(default_factory=dict)  # id -> [from, to, started, ended or None]
    seats: list[list] = field(default_factory=list)  # [client, linked, unlinked or None]


def make_history(app: Portal, account_id: UUID, clock: Clock, rng: random.Random, steps: int) -> History:
    """Clients linked, removed, moved away and back; sessions started and ended, some still running."""
    elsewhere = app.open_account(f"{uuid4().hex}@example.com", "Else", "not-a-hash")[0]
    app.upgrade_license(elsewhere, "enterprise")
    history, linked = History(), []
    for _ in range(steps):
        clock.at += timedelta(seconds=rng.choice([0, 1, 7, 60, 600, 3_600, 4 * 3_600, 20 * 3_600]),
                              microseconds=rng.randrange(1_000_000))
        active = [s for s, (_, _, _, ended) in history.sessions.items() if ended is None]
        move = rng.random()
        if move < 0.2 or len(linked) < 2:
            client = rng.choice([c for c, _, _ in history.seats if c not in linked] or [str(uuid4().int)[:10]]) \
                if rng.random() < 0.4 else str(rng.randrange(100_000_000, 9_999_999_999))
            app.register_client(account_id, client, "1.0", "linux")
            linked.append(client)
            history.seats.append([client, clock.at, None])
        elif move < 0.3:
            client = linked.pop(rng.randrange(len(linked)))
            if rng.random() < 0.5:
                app.remove_client(account_id, client)
            else:  # registered with another account's key: it leaves this one
                app.register_client(elsewhere, client, "1.0", "linux")
            next(s for s in history.seats if s[0] == client and s[2] is None)[2] = clock.at
        elif move < 0.65 and len(active) < 20:
            here = rng.choice(linked)
            there = rng.choice([c for c in linked if c != here] + ["5550000001"])  # or a client of no account
            session_id, _ = app.start_session(account_id, *((here, there) if rng.random() < 0.5 else (there, here)))
            history.sessions[session_id] = [here, there, clock.at, None]
        elif active:
            session_id = rng.choice(active)
            app.end_session(account_id, session_id)
            history.sessions[session_id][3] = clock.at
    clock.at += timedelta(hours=5)
    return history


# -- the brute force ---------------------------------------------------------------------------------------

def brute_force(h: History, label: str, a: datetime, b: datetime,
                days: list[tuple[datetime, datetime]]) -> UsageItem:
    sessions = list(h.sessions.values())

    def active_at(t: datetime) -> int:
        return sum(1 for _, _, s, e in sessions if s <= t and (e is None or t < e))

    instants = sorted({a} | {t for _, _, s, e in sessions for t in (s, e) if t is not None and a < t < b}) \
        if a < b else []
    counts = [(active_at(t), t) for t in instants]
    peak = max((c for c, _ in counts), default=0)
    total = sum((max(min(e or b, b) - max(s, a), timedelta()) for _, _, s, e in sessions if s < b), timedelta())
    touching = [x for x in sessions if x[2] < b and (x[2] >= a or x[3] is None or x[3] > a)]
    active = {c for here, there, s, _ in touching for c in (here, there)
              if any(seat == c and linked <= s and (gone is None or s < gone) for seat, linked, gone in h.seats)}
    seat_days = sum(len({c for c, linked, gone in h.seats if linked < db and (gone is None or (gone > da and
                                                                                              gone > linked))})
                    for da, db in days)
    return UsageItem(period=label, peak_concurrent_sessions=peak,
                     peak_at=next(t for c, t in counts if c == peak) if peak else None,
                     sessions=sum(1 for _, _, s, _ in sessions if a <= s < b),
                     session_minutes=math.floor(total.total_seconds() / 60) if total else 0,
                     active_clients=len(active), seat_days=seat_days)


def brute_force_usage(h: History, first: date, last: date, granularity: str, now: datetime) -> list[UsageItem]:
    return [brute_force(h, p.label, p.start, p.end, p.days) for p in periods(first, last, granularity, BERLIN, now)]


# -- the read model, fed live and rebuilt ------------------------------------------------------------------

def public_events(app: Portal) -> Iterator[tuple[str, bytes, int]]:
    for n in app.recorder.select_notifications(1, 100_000):
        event = to_public(app.mapper.to_domain_event(n))
        yield type(event).__name__, msgspec.json.encode(event), n.id


@pytest.fixture
def app(clock: Clock) -> Portal:
    return Portal(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def account_id(app: Portal) -> UUID:
    account_id = app.open_account(f"{uuid4().hex}@example.com", "Ann", "not-a-hash")[0]
    app.upgrade_license(account_id, "enterprise")
    return account_id


async def fed(conn: asyncpg.Connection, app: Portal) -> None:
    keys = StreamKeys.from_env()  # the bodies fed here are plain: no key is ever looked up
    fold = Fold(conn)  # one batch, folded
    for event_type, body, position in public_events(app):
        await USAGE.apply(fold, event_type, body, position, keys)
    await fold.finish()


RANGE = (date(2026, 10, 18), date(2027, 1, 31))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_usage_equals_a_brute_force_count_of_a_random_history(conn, app, account_id, clock, seed):
    history = make_history(app, account_id, clock, random.Random(seed), steps=250)
    await fed(conn, app)

    for granularity in ("day", "month"):
        figures = await usage(conn, account_id, *RANGE, granularity, BERLIN, clock.at)

        assert figures == brute_force_usage(history, *RANGE, granularity, clock.at)
        assert sum(f.sessions for f in figures) == len(history.sessions)  # the range holds the whole history


async def test_a_past_period_keeps_its_figures_as_time_goes_on(conn, app, account_id, clock):
    make_history(app, account_id, clock, random.Random(4), steps=200)
    await fed(conn, app)
    first_day = (RANGE[0], RANGE[0])

    then = await usage(conn, account_id, *first_day, "day", BERLIN, clock.at)
    later = await usage(conn, account_id, *first_day, "day", BERLIN, clock.at + timedelta(days=40))

    assert then == later


async def test_a_session_still_running_counts_until_now(conn, app, account_id, clock):
    clock.at = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    here, there = "100000001", "100000002"
    for client in (here, there):
        app.register_client(account_id, client, "1.0", "linux")
    app.start_session(account_id, here, there)
    await fed(conn, app)
    today = clock.at.astimezone(BERLIN).date()

    (item,) = await usage(conn, account_id, today, today, "day", BERLIN, clock.at + timedelta(minutes=90))

    assert (item.sessions, item.session_minutes, item.peak_concurrent_sessions, item.active_clients) == \
        (1, 90, 1, 2)
    assert item.peak_at == clock.at and item.seat_days == 2


async def test_a_day_of_the_clock_change_has_its_own_length(conn, app, account_id, clock):
    clock.at = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # midnight in Berlin, summer time
    here, there = "100000003", "100000004"
    for client in (here, there):
        app.register_client(account_id, client, "1.0", "linux")
    app.start_session(account_id, here, there)
    await fed(conn, app)
    day = date(2026, 10, 25)

    (item,) = await usage(conn, account_id, day, day, "day", BERLIN, clock.at + timedelta(days=3))

    assert item.session_minutes == 25 * 60  # the night the clocks go back lasts 25 hours


async def test_a_replay_from_the_event_store_gives_the_same_figures(conn, pool, app, account_id, clock):
    make_history(app, account_id, clock, random.Random(5), steps=300)
    await fed(conn, app)
    schema = f"replay_usage_{uuid4().hex[:12]}"
    async with pool.acquire() as scratch:
        await create_scratch(scratch, schema, [USAGE])
    try:
        await replay(pool, app, [USAGE], schema, 0, app.current_position())
        async with pool.acquire() as rebuilt, rebuilt.transaction():
            await rebuilt.execute(f"SET LOCAL search_path TO {schema}")
            for granularity in ("day", "month"):
                assert await usage(rebuilt, account_id, *RANGE, granularity, BERLIN, clock.at) == \
                    await usage(conn, account_id, *RANGE, granularity, BERLIN, clock.at)
    finally:
        async with pool.acquire() as scratch:
            await scratch.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


async def test_an_event_delivered_twice_counts_once(conn, app, account_id, clock):
    make_history(app, account_id, clock, random.Random(6), steps=120)
    await fed(conn, app)
    once = await usage(conn, account_id, *RANGE, "month", BERLIN, clock.at)

    await fed(conn, app)

    assert await usage(conn, account_id, *RANGE, "month", BERLIN, clock.at) == once


async def test_this_months_peak_is_the_months_figure(conn, app, account_id, clock):
    make_history(app, account_id, clock, random.Random(7), steps=150)
    await fed(conn, app)
    today = clock.at.astimezone(BERLIN).date()

    this = this_month(BERLIN, clock.at)
    (peak,) = await conn.fetch(PEAKS, account_id, [this.start], [this.end])

    (month,) = await usage(conn, account_id, today.replace(day=1), today, "month", BERLIN, clock.at)
    assert (this.label, peak["peak"], peak["peak_at"] if peak["peak"] else None) == \
        (month.period, month.peak_concurrent_sessions, month.peak_at)
