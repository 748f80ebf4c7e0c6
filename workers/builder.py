"""The builder: a durable JetStream consumer of build requests that packages custom clients.

Exactly once, though JetStream delivers at least once: the outcome is an event on the custom client for
one generation, and a request whose generation is built, failed or superseded records nothing. A builder
killed mid-build leaves its message unacknowledged; the redelivery builds the very same bytes (the package
is reproducible), stores them under the same name (their SHA-256) and records `Built` once. The secret
binding a package to its account is read from the event store: NATS carries only fingerprints.

A software release (SoftwareReleased) asks every custom client of the platform for a rebuild, once per
release; the custom clients are listed from their read model after it has caught up with the release.
"""

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from uuid import UUID

import asyncpg
import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.object_store import ObjectStore

from domain.actor import Actor, acting
from domain.application import Portal
from domain.contract import STREAM, SUBJECT_PREFIX
from domain.contract.files import SoftwareReleased
from domain.errors import NotFound
from projections.custom_clients import CUSTOM_CLIENTS, of_platform
from projections.positions import Advances, wait_for
from workers import package
from workers.config import Settings, event_store_env
from gateway.signing import load_signing_key
from workers.stream import connect, ensure_stream, package_store

BUILD_REQUESTS = ("CustomClientRequested", "CustomClientChanged", "CustomClientLinkRegenerated",
                  "CustomClientRebuildRequested")
SUBJECTS = [*(f"{SUBJECT_PREFIX}.*.custom_client.{name}" for name in BUILD_REQUESTS),
            f"{SUBJECT_PREFIX}.*.release.{SoftwareReleased.__name__}"]
DURABLE = "builder"
ACK_WAIT = 10.0  # seconds before a request whose builder died is delivered again
CATCH_UP = 60.0  # seconds a release waits for the custom clients' read model before giving up (and retrying)
ACTOR = Actor(kind="system", name="builder")

log = logging.getLogger("portal.builder")


class BuildRequest(msgspec.Struct):
    account_id: UUID
    aggregate_id: UUID
    generation: int


class Released(msgspec.Struct):
    platform: str
    version: str


class Builder:
    def __init__(self, portal: Portal, pool: asyncpg.Pool, store: ObjectStore, key: Ed25519PrivateKey) -> None:
        self.portal = portal
        self.pool = pool
        self.store = store
        self.key = key
        self.advances = Advances()  # never notified here: waits poll the read model's position

    async def record(self, command: Callable[..., int], *args: object, **kwargs: object) -> None:
        def run() -> None:
            with acting(ACTOR):
                command(*args, **kwargs)
        await asyncio.to_thread(run)

    async def handle(self, msg: Msg) -> None:
        headers = msg.headers or {}
        if headers["Portal-Event-Type"] == SoftwareReleased.__name__:
            await self.rebuild(msgspec.json.decode(msg.data, type=Released), int(headers["Portal-Position"]))
        else:
            request = msgspec.json.decode(msg.data, type=BuildRequest)
            await self.build(request.account_id, request.aggregate_id, request.generation)

    async def build(self, account_id: UUID, custom_client_id: UUID, generation: int) -> None:
        try:
            client = await asyncio.to_thread(self.portal.custom_client, account_id, custom_client_id)
        except NotFound:
            return  # deleted meanwhile
        if not client.is_pending(generation):
            return  # built already (a redelivery), failed, or a newer generation is on its way
        await self.record(self.portal.start_build, account_id, custom_client_id, generation)
        version = await asyncio.to_thread(self.portal.current_version, client.platform)
        try:
            data = await asyncio.to_thread(package.build, client, version, self.key)
        except package.PackageRefused as refused:
            await self.record(self.portal.fail_build, account_id, custom_client_id, generation, str(refused))
            return
        sha256 = hashlib.sha256(data).hexdigest()
        await self.store.put(sha256, data)  # a rebuild after a crash writes the same bytes under the same name
        await self.record(self.portal.finish_build, account_id, custom_client_id, generation, version=version,
                          sha256=sha256, size=len(data), object_name=sha256, built_at=datetime.now(UTC))
        log.info("built", extra={"custom_client_id": str(custom_client_id), "generation": generation})

    async def rebuild(self, released: Released, position: int) -> None:
        if not await wait_for(self.pool, self.advances, CUSTOM_CLIENTS.name, position, CATCH_UP):
            raise RuntimeError(f"the {CUSTOM_CLIENTS.name} read model did not reach position {position}")
        for account_id, custom_client_id in await of_platform(self.pool, released.platform):
            await self.record(self.portal.request_rebuild, account_id, custom_client_id, released.version)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    if not settings.signing_key_file:
        raise SystemExit("Set PORTAL_SIGNING_KEY_FILE to the Ed25519 signing key (PEM); `portal dev` makes one")
    key = load_signing_key(settings.signing_key_file)
    portal = Portal(env=event_store_env(settings.database_url))
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    nc = await connect(settings.nats_url, "portal-builder")
    js = nc.jetstream()
    try:
        await ensure_stream(js)
        builder = Builder(portal, pool, await package_store(js), key)
        config = ConsumerConfig(durable_name=DURABLE, ack_policy=AckPolicy.EXPLICIT, deliver_policy=DeliverPolicy.ALL,
                                ack_wait=ACK_WAIT, filter_subjects=SUBJECTS)
        sub = await js.pull_subscribe(SUBJECTS[0], durable=DURABLE, stream=STREAM, config=config)
        log.info("building custom clients")
        try:
            while not stop.is_set():
                try:
                    msgs = await sub.fetch(8, timeout=0.5)
                except TimeoutError:
                    continue
                for msg in msgs:
                    await builder.handle(msg)
                    await msg.ack()  # only once the outcome is recorded: a crash before means a redelivery
        finally:
            await sub.unsubscribe()  # an open pull subscription makes the drain hang
    finally:
        await nc.drain()
        await pool.close()
        portal.close()
