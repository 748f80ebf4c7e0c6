"""Real PostgreSQL and NATS for the whole test session: the embedded wheels, or the servers named by
PORTAL_DATABASE_URL and PORTAL_NATS_URL when both are set."""

import asyncio
import base64
import os
import secrets
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import httpx
import msgspec
import nats
import pytest
from nats.js import JetStreamContext

from domain.application import Portal
from gateway.sealing import new_key
from workers.config import Settings, event_store_env
from gateway.signing import create_signing_key
from workers.stream import prepare
from workers.embedded import EmbeddedNats, EmbeddedPostgres, free_port
from tests.support import Roles, running_service
from workers.shredding import StreamKeys, new_master_key

# Every application and worker of the session seals personal data under this session's own master key.
os.environ.setdefault("PORTAL_MASTER_KEY", new_master_key())
# …and the payment provider signs its webhook calls with this session's own secret.
os.environ.setdefault("PORTAL_PAYMENT_WEBHOOK_SECRET", "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    with tempfile.TemporaryDirectory(prefix="portal-tests-") as folder:
        signing_key = Path(folder) / "signing-key.pem"  # a signing key of this test session's own
        create_signing_key(signing_key)
        if os.environ.get("PORTAL_DATABASE_URL") and os.environ.get("PORTAL_NATS_URL"):
            settings = msgspec.structs.replace(Settings.from_env(), signing_key_file=str(signing_key))
            if settings.secrets_key is None:
                settings = msgspec.structs.replace(settings, secrets_key=new_key())
            asyncio.run(prepare(settings))
            yield settings
            return
        postgres = EmbeddedPostgres(Path(folder), free_port())
        nats = EmbeddedNats(Path(folder), free_port())
        postgres.start()
        nats.start()
        try:
            settings = Settings(database_url=postgres.url, nats_url=nats.url, min_position_wait_seconds=5.0,
                                signing_key_file=str(signing_key), secrets_key=new_key())
            asyncio.run(prepare(settings))
            yield settings
        finally:
            nats.stop()
            postgres.stop()


@pytest.fixture(scope="session")
def portal(settings: Settings) -> Iterator[Portal]:
    app = Portal(env=event_store_env(settings.database_url))
    yield app
    app.close()


@pytest.fixture(scope="session")
def keys() -> StreamKeys:
    """What projectors open sealed personal fields with (the session's master key)."""
    return StreamKeys.from_env()


@pytest.fixture
async def js(settings: Settings) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(settings.nats_url)
    yield nc.jetstream()
    await nc.close()


@pytest.fixture(scope="session")
async def pool(settings: Settings) -> AsyncIterator[asyncpg.Pool]:
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10)
    yield pool
    await pool.close()


@pytest.fixture
def roles(settings: Settings, tmp_path: Path) -> Iterator[Roles]:
    roles = Roles(settings, tmp_path)
    yield roles
    roles.stop_all()


@pytest.fixture(scope="module")
async def gateway(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A whole running service (relay, projector, gateway processes); answers the gateway's base URL."""
    async with running_service(settings, tmp_path_factory.mktemp("stack")) as base:
        yield base


@pytest.fixture
async def http(gateway: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        yield client
