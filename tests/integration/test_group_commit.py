"""Group commit on real PostgreSQL: limits hold when the writers of two processes race, each command of a group
keeps its own answer, and a conflict with another process runs again only the commands it concerns."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from eventsourcing.domain import Aggregate

from domain.application import Portal
from domain.errors import InvalidLicenseKey, NotFound, SeatLimitReached
from domain.store import now
from workers.config import Settings, event_store_env


@pytest.fixture
def first(settings: Settings) -> Iterator[Portal]:
    """One gateway process's application, with a writer of its own."""
    app = Portal(env=event_store_env(settings.database_url))
    yield app
    app.close()


second = first  # another process's: its writer knows nothing of the first one's batches


def new_account(app: Portal, product: str = "lite") -> UUID:
    account_id, _, _ = app.open_account(f"{uuid4().hex}@group.test", "Group", "not-a-hash")
    app.upgrade_license(account_id, product)
    return account_id


def new_client_ids(count: int) -> list[str]:
    base = uuid4().int % 900_000_000 + 100_000_000
    return [str(base + i) for i in range(count)]


def outcome(future: Future) -> str:
    error = future.exception()
    return "done" if error is None else type(error).__name__


def in_one_batch(app: Portal, commands: Sequence[Callable[[], object]]) -> list[Future]:
    """Runs the commands so that the writer finds all of them waiting at once: it is held in a batch of its
    own until every one is queued."""
    gate, holding = threading.Event(), threading.Event()

    def hold() -> list[Aggregate]:
        holding.set()
        gate.wait()
        return []

    with ThreadPoolExecutor(max_workers=len(commands) + 1) as pool:
        held = pool.submit(app._transact, uuid4(), hold)
        holding.wait()
        futures = [pool.submit(command) for command in commands]
        deadline = time.monotonic() + 10
        while app._writer.jobs.qsize() < len(commands):
            assert time.monotonic() < deadline, "the commands never reached the writer"
            time.sleep(0.001)
        gate.set()
        held.result()
    return futures


def test_fifty_registrations_from_two_processes_against_ten_seats_link_exactly_ten(first: Portal,
                                                                                   second: Portal) -> None:
    account_id = new_account(first)  # 100 seats
    for client_id in new_client_ids(90):
        first.register_client(account_id, client_id, "9.0.1", "windows")

    with ThreadPoolExecutor(max_workers=50) as pool:
        futures = [pool.submit((first if i % 2 else second).register_client, account_id, client_id, "9.0.1",
                               "windows") for i, client_id in enumerate(new_client_ids(50))]
    results = [outcome(f) for f in futures]

    assert results.count("done") == 10
    assert set(results) == {"done", SeatLimitReached.__name__}
    assert len(Portal.usage(second, account_id).linked) == 100


def test_each_command_of_one_save_answers_its_own_position_and_a_refusal_fails_no_neighbour(
        first: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    account_id = new_account(first)
    saves: list[int] = []
    save = first.save

    def counted(*events: Any) -> Any:
        saves.append(len(events))
        return save(*events)

    monkeypatch.setattr(first, "save", counted)
    clients = new_client_ids(6)

    futures = in_one_batch(first, [
        *(lambda c=c: first.register_client(account_id, c, "9.0.1", "windows") for c in clients[:3]),
        lambda: first.comment_client(account_id, "999999999", "not linked"),
        *(lambda c=c: first.register_client(account_id, c, "9.0.1", "windows") for c in clients[3:]),
    ])

    assert [outcome(f) for f in futures] == ["done"] * 3 + [NotFound.__name__] + ["done"] * 3
    positions = [f.result() for i, f in enumerate(futures) if i != 3]
    assert positions == sorted(set(positions))  # one position each, in the order they ran
    assert len(saves) == 1
    assert set(clients) <= set(Portal.usage(first, account_id).linked)


def test_a_conflict_with_another_process_runs_again_only_the_commands_that_touched_its_change(
        first: Portal, second: Portal, monkeypatch: pytest.MonkeyPatch) -> None:
    contested, quiet = new_account(second), new_account(second)
    for account_id in (contested, quiet):  # the first writer holds both accounts' aggregates from here on
        first.register_client(account_id, new_client_ids(1)[0], "9.0.1", "windows")
    runs: Counter[str] = Counter()

    def linking(account_id: UUID, client_id: str) -> Callable[[], int]:
        def work() -> list[Aggregate]:
            runs[client_id] += 1
            usage = first.usage(account_id)
            usage.link(client_id, first.license(account_id).effective_tier(now()))
            return [usage]
        return lambda: first._transact(account_id, work)

    save, rival = first.save, cast(list[int], [])

    def save_after_a_rival(*events: Any) -> Any:
        if not rival:  # another process links a client to the contested account just before this save
            rival.append(second.register_client(contested, new_client_ids(1)[0], "9.0.1", "windows"))
        return save(*events)

    monkeypatch.setattr(first, "save", save_after_a_rival)
    futures = in_one_batch(first, [linking(contested, "contested"), linking(quiet, "quiet")])

    assert [outcome(f) for f in futures] == ["done", "done"]
    assert runs == {"contested": 2, "quiet": 1}
    assert rival[0] < futures[0].result()
    assert "contested" in Portal.usage(second, contested).linked
    assert "quiet" in Portal.usage(second, quiet).linked


def test_a_key_reset_in_another_process_is_refused_by_the_very_next_lookup(first: Portal, second: Portal) -> None:
    account_id = new_account(first)
    old_key = first.license(account_id).key
    assert first.account_for_key(old_key) == account_id  # the first writer now holds the account in memory

    new_key, _ = second.reset_license_key(account_id)

    with pytest.raises(InvalidLicenseKey):
        first.account_for_key(old_key)
    assert first.account_for_key(new_key) == account_id
