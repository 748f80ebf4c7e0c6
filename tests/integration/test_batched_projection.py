"""Batched projection equals a rebuild: a random mix of real commands, relayed to NATS, applied by projectors
in batches of random sizes (so one client's or session's events fold together, or fall into neighbouring
batches), then compared row by row with the same read models rebuilt from the event store."""

import asyncio
import random
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest
import msgspec
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from domain.application import Portal
from domain.contract.accounts import AccountContactChanged
from domain.errors import DomainError
from projections.audit import AUDIT
from projections.clients import CLIENTS
from projections.fold import Fold
from projections.license import LICENSE_TAB
from projections.positions import position
from projections.readmodel import ReadModel
from projections.rebuild import verify
from projections.search import SEARCH
from projections.sessions import SESSIONS
from projections.usage import USAGE
from tests.integration.test_stalls import contact_changed
from tests.support import Roles
from workers.config import Settings
from workers.projector import Projector

MODELS = (LICENSE_TAB, CLIENTS, SESSIONS, USAGE, AUDIT, SEARCH)



def random_mix(portal: Portal, rng: random.Random, commands: int) -> None:
    """Commands on one account's clients and sessions in random order; a refused one changes nothing."""
    account_id: UUID = portal.open_account(f"{uuid4().hex}@batch.test", "Batch", "not-a-hash")[0]
    portal.upgrade_license(account_id, "enterprise")
    clients = [str(100_000_000 + rng.randrange(9_900_000_000)) for _ in range(6)]
    sessions: list[str] = []
    actions = [
        lambda c: portal.register_client(account_id, c, rng.choice(["8.0", "9.1"]), "linux"),
        lambda c: portal.remove_client(account_id, c),
        lambda c: portal.set_alias(account_id, c, rng.choice([None, f"desk-{c}@batch"])),
        lambda c: portal.comment_client(account_id, c, f"comment {rng.random()}"),
        lambda c: portal.client_came_online(account_id, c, "9.1"),
        lambda c: sessions.append(portal.start_session(account_id, c, rng.choice(clients))[0]),
        lambda c: portal.end_session(account_id, rng.choice(sessions)),
        lambda c: portal.comment_session(account_id, rng.choice(sessions), f"note {rng.random()}"),
        lambda c: portal.change_contact(account_id, name=f"Holder {rng.random()}", street="Street 1",
                                        postal_code="10115", city="Berlin", country="DE", phone=""),
    ]
    for _ in range(commands):
        try:
            rng.choice(actions)(rng.choice(clients))
        except (DomainError, IndexError):  # a rule refused it, or there is no session yet
            pass


async def chunks_up_to(projector: Projector, head: int, rng: random.Random) -> AsyncIterator[list[Msg]]:
    """The consumer's messages up to `head`, fetched in chunks of random sizes."""
    sub = await projector.subscribe()
    reached = 0
    while reached < head:
        chunk = await sub.fetch(rng.randint(1, 80), timeout=10)
        reached = max(reached, *(int(m.headers["Portal-Position"]) for m in chunk))  # type: ignore[index]
        yield chunk


async def test_batches_of_any_size_project_what_a_rebuild_does(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, roles: Roles, js, keys) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    await asyncio.to_thread(random_mix, portal, rng, 300)
    roles.start("relay")
    head = portal.current_position()
    for model in MODELS:
        projector = Projector(model, js, pool, keys)
        async for batch in chunks_up_to(projector, head, rng):  # applied and acknowledged before the ack wait
            assert await projector.apply_batch(batch) is None, f"seed {seed}"
            for m in batch:
                await m.ack()
        assert await verify(pool, portal, model) == [], f"{model.name} differs from its rebuild (seed {seed})"


class Contact(msgspec.Struct):
    account_id: UUID
    name: str


@pytest.fixture
async def folded_model(js: JetStreamContext, pool: asyncpg.Pool):  # type: ignore[no-untyped-def]
    """A test-only read model with a table of its own, folding each account's contact name."""
    name = f"test_fold_{uuid4().hex[:8]}"
    await pool.execute(f"CREATE TABLE {name} (account_id uuid PRIMARY KEY, name text NOT NULL, "
                       "position bigint NOT NULL)")
    yield ReadModel(name, tables=(name,))
    await js.delete_consumer("PORTAL_EVENTS", f"projector-{name}")
    for table in ("projection_positions", "projection_stalls"):
        await pool.execute(f"DELETE FROM {table} WHERE projection = $1", name)
    await pool.execute(f"DROP TABLE {name}")


async def test_a_folded_batch_stalled_by_an_event_commits_exactly_what_precedes_it(
        portal: Portal, pool: asyncpg.Pool, roles: Roles, js, keys, folded_model: ReadModel) -> None:
    table, poison = folded_model.name, f"Poison {uuid4().hex}"

    @folded_model.on(AccountContactChanged, Contact)
    async def changed(conn: Fold, e: Contact, position: int) -> None:
        await conn.rows(table).insert({"account_id": e.account_id}, name=e.name, position=position)
        if e.name == poison:
            raise ValueError("cannot show this contact")

    changes = [await asyncio.to_thread(contact_changed, portal, name) for name in ("Before", poison, "After")]
    roles.start("relay")
    projector = Projector(folded_model, js, pool, keys)
    batch: list[Msg] = []  # the three changes and what the stream holds after them, in one batch
    async for chunk in chunks_up_to(projector, changes[-1][1], random.Random()):
        # The stream holds every earlier test's events: those are applied and acknowledged as they come, so none
        # waits past the ack wait and is sent again.
        earlier = [m for m in chunk if int(m.headers["Portal-Position"]) < changes[0][1]]  # type: ignore[index]
        batch += [m for m in chunk if int(m.headers["Portal-Position"]) >= changes[0][1]]  # type: ignore[index]
        if earlier:
            assert await projector.apply_batch(earlier) is None
            for m in earlier:
                await m.ack()

    stalled = await projector.apply_batch(batch)

    assert stalled is not None and stalled.position == changes[1][1]
    rows = await pool.fetch(f"SELECT account_id, name, position FROM {table} WHERE account_id = ANY($1)",
                            [account_id for account_id, _ in changes])  # the stream holds other tests' too
    assert [tuple(r) for r in rows] == [(changes[0][0], "Before", changes[0][1])]
    assert changes[0][1] <= await position(pool, table) < changes[1][1]
