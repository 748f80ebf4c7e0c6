"""Helpers shared by the integration and end-to-end tests."""

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from uuid import UUID, uuid4

import httpx
import nats

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from domain.application import Portal
from domain.contract import STREAM, SUBJECT_PREFIX
from workers.config import Settings
from workers.embedded import free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent


class Roles:
    """Worker processes started exactly as in production (`portal <role>`), which tests may kill."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self.env = {**os.environ, "PORTAL_DATABASE_URL": settings.database_url,
                    "PORTAL_NATS_URL": settings.nats_url, "PORTAL_LOG_LEVEL": "WARNING",
                    "PORTAL_MIN_POSITION_WAIT_SECONDS": str(settings.min_position_wait_seconds),
                    "PORTAL_SIGNING_KEY_FILE": settings.signing_key_file or "",
                    "PORTAL_SECRETS_KEY": settings.secrets_key or "",
                    # Domain verification asks DNS: never anything beyond loopback (tests/e2e/dns.py serves it).
                    "PORTAL_DNS_RESOLVER": "127.0.0.1:53"}
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, role: str, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{role}.log").open("ab")
        process = subprocess.Popen([sys.executable, "-m", "workers.cli", role, *args], env=self.env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop_all(self) -> None:
        for process in self.running:
            stop_process(process, signal.SIGTERM)
        self.running.clear()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30.0, what: str = "condition") -> None:
    """Wait on a condition with a deadline (tests never sleep for a fixed time)."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.2)


def portal_command(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `portal ARGS…` as a user does; answers its exit code and output."""
    env = {"PORTAL_DATABASE_URL": settings.database_url, "PORTAL_NATS_URL": settings.nats_url,
           "PORTAL_MASTER_KEY": os.environ["PORTAL_MASTER_KEY"], "PORTAL_LOG_LEVEL": "WARNING", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "workers.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


async def stream_positions(js: JetStreamContext) -> list[int]:
    """Every Portal-Position in the event stream, in stream order (what a subscriber from the start sees)."""
    info = await js.stream_info(STREAM)
    sub = await js.pull_subscribe(f"{SUBJECT_PREFIX}.>", stream=STREAM,
                                  config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL,
                                                        inactive_threshold=30.0))
    positions: list[int] = []
    try:
        while len(positions) < info.state.messages:
            for msg in await sub.fetch(1_000, timeout=5):
                positions.append(int(msg.headers["Portal-Position"]))
    finally:
        await sub.unsubscribe()
    return positions


async def stream_bytes(nats_url: str) -> bytes:
    """Every message of the event stream (subject, headers and body), as a subscriber reading it from the start
    receives them."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        info = await js.stream_info(STREAM)
        sub = await js.pull_subscribe(f"{SUBJECT_PREFIX}.>", stream=STREAM, config=ConsumerConfig(
            ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL, inactive_threshold=30.0))
        raw: list[bytes] = []
        while len(raw) < info.state.messages:
            raw += [m.subject.encode() + repr(m.headers).encode() + m.data for m in await sub.fetch(1_000, timeout=5)]
        await sub.unsubscribe()
        return b"".join(raw)
    finally:
        await nc.close()


def run_commands(portal: Portal, accounts: int, changes: int) -> list[UUID]:
    """A steady stream of real commands: open accounts, then change each one several times."""
    opened = [portal.open_account(f"{uuid4()}@load.test", "Load", "not-a-hash")[0] for _ in range(accounts)]
    for i in range(changes):
        account_id = opened[i % accounts]
        portal.change_contact(account_id, name=f"Holder {i}", street=f"Street {i}", postal_code="10115",
                              city="Berlin", country="DE", phone="+49 30 1234567")
    return opened


@asynccontextmanager
async def running_service(settings: Settings, logs: Path, workers: tuple[str, ...] = ("relay", "projector"),
                          env: dict[str, str] | None = None) -> AsyncIterator[str]:
    """Worker processes and a gateway, as in production; answers the gateway's base URL."""
    roles = Roles(settings, logs)
    roles.env.update(env or {})
    port = free_port()
    for role in workers:
        roles.start(role)
    roles.start("gateway", "--port", str(port))
    base = f"http://127.0.0.1:{port}"

    async def answers() -> bool:
        try:
            async with httpx.AsyncClient() as client:
                return (await client.get(f"{base}/health")).status_code == 200
        except httpx.TransportError:
            return False

    try:
        await eventually(answers, what="the gateway to answer /health")
        yield base
        assert all(p.poll() is None for p in roles.running), f"a role exited early; see the logs in {logs}"
    finally:
        roles.stop_all()
