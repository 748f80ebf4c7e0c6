"""A read model that cannot apply an event stalls there, alone, in a process that keeps running: the stall
is recorded and logged without the event's content, retried with back-off and never skipped, the other read
models carry on, and once the handler is fixed the read model resumes by itself."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest
from nats.js import JetStreamContext

from domain.application import Portal
from domain.contract import STREAM
from domain.contract.accounts import AccountContactChanged
from projections.license import LICENSE_TAB
from projections.positions import position
from projections.readmodel import ReadModel
from tests.support import Roles, eventually
from workers.projector import Projector
from workers.shredding import StreamKeys


class Contact(msgspec.Struct):
    name: str


class Faulty:
    """A test-only read model whose handler refuses one contact name until it is fixed."""

    def __init__(self) -> None:
        self.model = ReadModel(f"test_faulty_{uuid4().hex[:8]}", tables=())
        self.poison = f"Poison {uuid4().hex}"
        self.fixed = False
        self.model.on(AccountContactChanged, Contact)(self.contact_changed)

    async def contact_changed(self, conn: asyncpg.Connection, e: Contact, position: int) -> None:
        if e.name == self.poison and not self.fixed:
            raise ValueError(f"cannot show the contact '{e.name}'")



@pytest.fixture
async def faulty(js: JetStreamContext, pool: asyncpg.Pool, roles: Roles) -> AsyncIterator[Faulty]:
    roles.start("relay")
    model = Faulty()
    yield model
    await js.delete_consumer(STREAM, f"projector-{model.model.name}")
    for table in ("projection_positions", "projection_stalls"):
        await pool.execute(f"DELETE FROM {table} WHERE projection = $1", model.model.name)


@asynccontextmanager
async def projecting(js: JetStreamContext, pool: asyncpg.Pool, *models: ReadModel) -> AsyncIterator[list[asyncio.Task[None]]]:
    """Projectors of `models` running side by side, as `portal projector` runs them in one process."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(Projector(m, js, pool, StreamKeys.from_env()).run(stop)) for m in models]
    try:
        yield tasks
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def contact_changed(portal: Portal, name: str) -> tuple[UUID, int]:
    account_id = portal.open_account(f"{uuid4().hex}@stalls.test", "Ann", "not-a-hash")[0]
    return account_id, portal.change_contact(account_id, name=name, street="Hauptstraße 1", postal_code="10115",
                                             city="Berlin", country="DE", phone="")


async def stalled_at(pool: asyncpg.Pool, faulty: Faulty) -> asyncpg.Record:
    async def recorded() -> bool:
        return await pool.fetchval("SELECT true FROM projection_stalls WHERE projection = $1",
                                   faulty.model.name) is not None

    await eventually(recorded, timeout=60, what=f"{faulty.model.name} to stall")
    return await pool.fetchrow("SELECT * FROM projection_stalls WHERE projection = $1", faulty.model.name)


async def test_an_event_a_read_model_cannot_apply_stalls_only_that_read_model(
        js: JetStreamContext, pool: asyncpg.Pool, portal: Portal, faulty: Faulty) -> None:
    async with projecting(js, pool, faulty.model, LICENSE_TAB) as tasks:
        _, poison = await asyncio.to_thread(contact_changed, portal, faulty.poison)
        other, head = await asyncio.to_thread(contact_changed, portal, "Bea")
        stall = await stalled_at(pool, faulty)

        async def others_carry_on() -> bool:
            return await position(pool, LICENSE_TAB.name) >= head

        await eventually(others_carry_on, timeout=60, what="license_tab to pass the poison")
        assert (stall["position"], stall["event_type"], stall["error"]) == (poison, "AccountContactChanged",
                                                                            "ValueError")
        assert await position(pool, faulty.model.name) < poison  # stopped before it, not past it
        assert await pool.fetchval("SELECT contact_name FROM license_tab WHERE account_id = $1", other) == "Bea"
        assert not any(t.done() for t in tasks)


async def test_a_stalled_read_model_resumes_by_itself_once_its_handler_is_fixed(
        js: JetStreamContext, pool: asyncpg.Pool, portal: Portal, faulty: Faulty) -> None:
    async with projecting(js, pool, faulty.model):
        _, poison = await asyncio.to_thread(contact_changed, portal, faulty.poison)
        _, head = await asyncio.to_thread(contact_changed, portal, "Bea")
        await stalled_at(pool, faulty)
        faulty.fixed = True  # the deploy that can apply it

        async def resumed() -> bool:
            return await position(pool, faulty.model.name) >= head

        await eventually(resumed, timeout=90, what=f"{faulty.model.name} to resume past {poison}")
        assert await pool.fetchval("SELECT count(*) FROM projection_stalls WHERE projection = $1",
                                   faulty.model.name) == 0


async def test_a_stalled_read_model_retries_with_back_off(js: JetStreamContext, pool: asyncpg.Pool,
                                                          portal: Portal, faulty: Faulty) -> None:
    async with projecting(js, pool, faulty.model):
        await asyncio.to_thread(contact_changed, portal, faulty.poison)
        await stalled_at(pool, faulty)

        async def retried() -> bool:
            return await pool.fetchval("SELECT attempts FROM projection_stalls WHERE projection = $1",
                                       faulty.model.name) >= 3

        await eventually(retried, timeout=30, what="the third attempt")
        stall = await pool.fetchrow("SELECT attempts, last_attempt - since AS spent FROM projection_stalls "
                                    "WHERE projection = $1", faulty.model.name)
    # Waits of 1 s, 2 s, 4 s, …: n attempts take at least 2**(n-1) - 1 seconds (a hot loop takes none).
    assert stall["spent"].total_seconds() >= 2 ** (stall["attempts"] - 1) - 1.1


async def test_a_stall_is_logged_without_the_events_content(js: JetStreamContext, pool: asyncpg.Pool,
                                                            portal: Portal, faulty: Faulty,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="portal.projector")
    async with projecting(js, pool, faulty.model):
        account_id, poison = await asyncio.to_thread(contact_changed, portal, faulty.poison)
        await stalled_at(pool, faulty)

    logged = [r for r in caplog.records if getattr(r, "projection", None) == faulty.model.name]
    assert logged, "no log line names the stalled read model"
    record = logged[0]
    assert record.levelno == logging.ERROR
    assert (record.position, record.event_type, record.account_id, record.error) == (  # type: ignore[attr-defined]
        poison, "AccountContactChanged", str(account_id), "ValueError")
    assert record.reason == "cannot show the contact '…'"  # type: ignore[attr-defined]
    assert faulty.poison not in str(record.__dict__)
