"""Faults under a steady stream of commands, on servers of this module's own: the relay, the projector and
the gateway are killed (SIGKILL) at random moments, NATS and PostgreSQL are stopped and restarted. Then:
nothing acknowledged is lost, every event reached NATS once and in order, every read model equals its
rebuild, no counter drifted, and no command got a false success while PostgreSQL was down."""

import asyncio
import random
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx
import nats
import pytest

from domain.application import Portal
from projections.positions import READ_MODELS, position
from projections.rebuild import verify
from tests.integration.faults import Answer, CommandStream, Device, Supervisor
from tests.support import Roles, eventually, stream_positions
from workers.config import Settings, event_store_env
from workers.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from workers.stream import prepare

pytestmark = [pytest.mark.fault, pytest.mark.slow]

ACCOUNTS = 3
PAUSE = 0.05  # between one device's commands: a steady stream, not a flood


@dataclass
class Outcome:
    answers: list[Answer]
    while_postgres_down: list[Answer]
    restarts: dict[str, int]
    accounts: list[UUID]
    portal: Portal
    pool: asyncpg.Pool
    stream: list[int]  # every Portal-Position in the NATS stream, in stream order


async def open_accounts(http: httpx.AsyncClient) -> list[Device]:
    devices = []
    for _ in range(ACCOUNTS):
        signed = await http.post("/v1/signup", json={"email": f"{random.getrandbits(64):x}@faults.test",
                                                     "password": "Sunflower-Harbour-42", "name": "Ann"})
        assert signed.status_code == 201, signed.text
        auth = {"Authorization": f"Bearer {signed.json()['token']}"}
        upgraded = await http.post("/v1/license/upgrade", json={"product": "enterprise"}, headers=auth)
        assert upgraded.status_code == 200, upgraded.text
        tab = await http.get("/v1/license", headers={**auth, "X-Min-Position": upgraded.headers["X-Event-Position"]})
        assert tab.status_code == 200, tab.text
        devices.append(Device(account_id=signed.json()["account_id"], token=signed.json()["token"],
                              license_key=tab.json()["license_key"]))
    return devices


async def caught_up(pool: asyncpg.Pool, portal: Portal, js, logs: Path) -> None:  # type: ignore[no-untyped-def]
    head = await asyncio.to_thread(portal.current_position)

    async def everything_applied() -> bool:
        return all([await position(pool, m.name) >= head for m in READ_MODELS])

    try:
        await eventually(everything_applied, timeout=90, what=f"every read model to reach position {head}")
    except AssertionError as behind:  # what the workers were doing is the only clue to why
        reached = {m.name: await position(pool, m.name) for m in READ_MODELS}
        published = (await stream_positions(js))[-1:]
        tails = "\n".join(f"--- {log.name}:\n{log.read_text(errors='replace')[-3000:]}" for log in logs.glob("*.log"))
        raise AssertionError(f"{behind}; read models at {reached}, last published {published}\n{tails}") from None
    positions = await stream_positions(js)
    assert positions and positions[-1] == head


async def faults(stream: CommandStream, supervisor: Supervisor, postgres: EmbeddedPostgres,
                 nats_server: EmbeddedNats) -> list[Answer]:
    """Each fault after a random number of further acknowledged commands; answers those sent and answered
    while PostgreSQL was down."""
    for role in random.sample(["relay", "projector", "gateway"], 3):
        await stream.until_acked(random.randint(5, 40))
        supervisor.kill(role)
    await stream.until_acked(random.randint(5, 40))
    await asyncio.to_thread(nats_server.stop)
    await stream.until_acked(10)  # commands need only the event store
    await asyncio.to_thread(nats_server.start)
    await stream.until_acked(random.randint(5, 40))
    await asyncio.to_thread(postgres.stop)
    down_since = time.monotonic()

    async def refused_a_few() -> bool:
        return sum(a.sent_at > down_since for a in stream.answers) >= 6

    await eventually(refused_a_few, timeout=60, what="commands answered while PostgreSQL is down")
    up_again = time.monotonic()
    await asyncio.to_thread(postgres.start)
    await stream.until_acked(random.randint(20, 40), timeout=90)
    return [a for a in stream.answers if a.sent_at > down_since and a.answered_at < up_again]


@asynccontextmanager
async def servers() -> AsyncIterator[tuple[EmbeddedPostgres, EmbeddedNats, Settings]]:
    """A PostgreSQL and a NATS of this module's own, which the faults stop and start."""
    with tempfile.TemporaryDirectory(prefix="portal-faults-") as folder:
        postgres, nats_server = EmbeddedPostgres(Path(folder), free_port()), EmbeddedNats(Path(folder), free_port())
        postgres.start()
        nats_server.start()
        try:
            settings = Settings(database_url=postgres.url, nats_url=nats_server.url, min_position_wait_seconds=5.0)
            await prepare(settings)
            yield postgres, nats_server, settings
        finally:
            nats_server.stop()
            postgres.stop()


async def commands_under_faults(base: str, supervisor: Supervisor, postgres: EmbeddedPostgres,
                                nats_server: EmbeddedNats) -> tuple[CommandStream, list[Answer]]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        async def answers() -> bool:
            try:
                return (await http.get("/health")).status_code == 200
            except httpx.TransportError:
                return False

        await eventually(answers, what="the gateway to answer /health")
        stream = CommandStream(http, await open_accounts(http), PAUSE)
        commands = [asyncio.create_task(stream.run_one(d)) for d in stream.devices]
        try:
            return stream, await faults(stream, supervisor, postgres, nats_server)
        finally:
            stream.stopping = True
            await asyncio.gather(*commands)


@pytest.fixture(scope="module")
async def outcome(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Outcome]:
    async with servers() as (postgres, nats_server, settings):
        port = free_port()
        logs = tmp_path_factory.mktemp("faults")
        with Supervisor(Roles(settings, logs), port) as supervisor:
            for role in ("relay", "projector", "gateway"):
                supervisor.start(role)
            stream, down = await commands_under_faults(f"http://127.0.0.1:{port}", supervisor, postgres, nats_server)
            portal = Portal(env=event_store_env(settings.database_url))
            pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
            nc = await nats.connect(settings.nats_url)
            try:
                await caught_up(pool, portal, nc.jetstream(), logs)
                yield Outcome(answers=stream.answers, while_postgres_down=down, restarts=supervisor.restarts,
                              accounts=[UUID(d.account_id) for d in stream.devices], portal=portal, pool=pool,
                              stream=await stream_positions(nc.jetstream()))
            finally:
                await nc.close()
                await pool.close()
                portal.close()


def test_every_acknowledged_command_is_in_the_event_store(outcome: Outcome):
    portal, head = outcome.portal, outcome.portal.current_position()
    acked = [a for a in outcome.answers if 200 <= a.status < 300]
    for a in acked:
        account = UUID(a.account)
        assert a.position is not None and a.position <= head, a
        if a.kind == "register client":
            assert a.subject["client_id"] in portal.usage(account).linked, a
        elif a.kind == "start session":
            assert portal.session(account, a.subject["session_id"]).from_client_id, a
        elif a.kind == "comment session":
            assert portal.session(account, a.subject["session_id"]).comment == a.subject["comment"], a
        else:
            assert not portal.session(account, a.subject["session_id"]).active, a
    assert len(acked) >= 50  # the faults struck a stream that kept going


def test_every_event_reached_nats_once_and_in_order(outcome: Outcome):
    stored = [n.id for n in outcome.portal.recorder.select_notifications(1, 10**9)]

    assert outcome.stream == stored


async def test_every_read_model_equals_its_rebuild(outcome: Outcome):
    for model in READ_MODELS:
        assert await verify(outcome.pool, outcome.portal, model) == [], model.name


async def test_no_counter_drifted(outcome: Outcome):
    for account in outcome.accounts:
        usage = await asyncio.to_thread(outcome.portal.usage, account)
        tab = await outcome.pool.fetchrow("SELECT linked_clients, online_clients, active_sessions FROM license_tab "
                                          "WHERE account_id = $1", account)
        linked = await outcome.pool.fetchval("SELECT count(*) FROM clients WHERE account_id = $1 AND linked", account)
        active = await outcome.pool.fetchval("SELECT count(*) FROM sessions WHERE account_id = $1 AND ended_at IS NULL",
                                             account)
        assert (tab["linked_clients"], tab["active_sessions"], tab["online_clients"]) == (
            len(usage.linked), len(usage.sessions), 0)
        assert (linked, active) == (len(usage.linked), len(usage.sessions))


def test_commands_sent_while_postgresql_is_down_get_503_never_a_false_success(outcome: Outcome):
    answered = [a for a in outcome.while_postgres_down if a.status]

    assert answered, "no command was answered while PostgreSQL was down"
    assert {(a.status, a.content_type) for a in answered} == {(503, "application/problem+json")}
    assert max(a.answered_at - a.sent_at for a in answered) < 10  # promptly, not a seeming hang


def test_the_killed_workers_were_restarted_and_resumed(outcome: Outcome):
    assert {"relay", "projector", "gateway"} <= set(outcome.restarts)
