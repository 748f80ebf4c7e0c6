"""Batched projection equals a rebuild: a random mix of real commands, relayed to NATS, applied by projectors
in batches of random sizes (so one client's or session's events fold together, or fall into neighbouring
batches), then compared row by row with the same read models rebuilt from the event store."""

import asyncio
import random
from uuid import UUID, uuid4

import asyncpg
import pytest
from nats.aio.msg import Msg

from domain.application import Portal
from domain.errors import DomainError
from projections.audit import AUDIT
from projections.clients import CLIENTS
from projections.license import LICENSE_TAB
from projections.rebuild import verify
from projections.search import SEARCH
from projections.sessions import SESSIONS
from projections.usage import USAGE
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


async def fetched_up_to(projector: Projector, head: int) -> list[Msg]:
    sub = await projector.subscribe()
    msgs: list[Msg] = []
    while not msgs or int(msgs[-1].headers["Portal-Position"]) < head:  # type: ignore[index]
        msgs += await sub.fetch(1_000, timeout=10)
    return msgs


async def test_batches_of_any_size_project_what_a_rebuild_does(
        settings: Settings, portal: Portal, pool: asyncpg.Pool, roles: Roles, js, keys) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    await asyncio.to_thread(random_mix, portal, rng, 300)
    roles.start("relay")
    head = portal.current_position()
    for model in MODELS:
        projector = Projector(model, js, pool, keys)
        msgs = await fetched_up_to(projector, head)
        while msgs:
            size = rng.randint(1, 80)
            batch, msgs = msgs[:size], msgs[size:]
            assert await projector.apply_batch(batch) is None, f"seed {seed}"
            for m in batch:
                await m.ack()
        assert await verify(pool, portal, model) == [], f"{model.name} differs from its rebuild (seed {seed})"
