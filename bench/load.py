"""The load generator: a process of its own (never the server's event loop) driving HTTP with virtual clients.

    python -m bench.load < plan.json > samples.json

A plan names a scenario, the base URL, how many virtual clients run concurrently, for how long (after a
warm-up whose requests are not recorded), and optionally a total rate. Each sample is
[kind, status, answered_at (time.monotonic, comparable across processes), latency seconds, event position].
"""

import asyncio
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
import psutil


class Plan(msgspec.Struct, kw_only=True):
    scenario: str  # "commands" or "requests"
    base: str
    concurrency: int
    duration: float
    warmup: float = 1.0
    rate: float | None = None  # total requests per second; None: as fast as answered
    accounts: list[dict[str, Any]] = []  # commands: token, license_key, namespace, peer (a linked client id)
    requests: list[dict[str, Any]] = []  # requests: kind, method, path, headers, json
    watch: dict[str, int] = {}  # part of the stack -> root pid, whose CPU is measured over the same window


def cpu_seconds(watch: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by each part (a process and its children, e.g. PostgreSQL's backends)."""
    totals: dict[str, float] = {}
    for part, pid in watch.items():
        try:
            root = psutil.Process(pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in processes:
            try:
                t = p.cpu_times()
            except psutil.NoSuchProcess:
                continue
            totals[part] = totals.get(part, 0.0) + t.user + t.system
    return totals


class Samples:
    def __init__(self, plan: Plan) -> None:
        self.started = time.monotonic()
        self.record_from = self.started + plan.warmup
        self.stop_at = self.record_from + plan.duration
        self.rows: list[tuple[str, int, float, float, int | None]] = []
        self.positions: list[int] = []  # of every accepted command, warm-up included (where saves end)
        self.interval = plan.concurrency / plan.rate if plan.rate else 0.0

    @property
    def running(self) -> bool:
        return time.monotonic() < self.stop_at

    async def send(self, kind: str, request: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response | None:
        began = time.monotonic()
        try:
            response = await request()
        except httpx.TransportError:
            response = None
        answered = time.monotonic()
        if response is not None and response.headers.get("x-event-position"):
            self.positions.append(int(response.headers["x-event-position"]))
        if answered >= self.record_from and answered <= self.stop_at:
            status = response.status_code if response is not None else 0
            position = response.headers.get("x-event-position") if response is not None else None
            self.rows.append((kind, status, answered, answered - began, int(position) if position else None))
        if self.interval:  # paced: each virtual client sends one request per interval
            await asyncio.sleep(max(0.0, began + self.interval - time.monotonic()))
        return response if response is not None and response.status_code < 300 else None


async def commands(http: httpx.AsyncClient, samples: Samples, account: dict[str, Any]) -> None:
    """The portal's realistic mix: a client registers, connects to a peer, gets an alias, the session gets
    a comment, the session ends. A refused step skips the steps that depend on it."""
    device = {"X-License-Key": account["license_key"]}
    user = {"Authorization": f"Bearer {account['token']}"}
    while samples.running:
        client_id = str(1_000_000_000 + secrets.randbelow(8_999_999_999))
        if not await samples.send("register client", lambda: http.post("/v1/device/register", headers=device, json={
                "client_id": client_id, "version": "9.0.1", "platform": "windows"})):
            continue
        started = await samples.send("start session", lambda: http.post("/v1/device/sessions", headers=device, json={
            "from_client_id": client_id, "to_client_id": account["peer"]}))
        await samples.send("set alias", lambda: http.patch(f"/v1/clients/{client_id}", headers=user, json={
            "alias": f"c{client_id}@{account['namespace']}"}))
        if started is None:
            continue
        session_id = started.json()["session_id"]
        await samples.send("comment", lambda: http.patch(f"/v1/sessions/{session_id}", headers=user,
                                                         json={"comment": f"ticket {client_id}"}))
        await samples.send("end session", lambda: http.post(f"/v1/device/sessions/{session_id}/end", headers=device))


async def requests(http: httpx.AsyncClient, samples: Samples, offset: int, plan: Plan) -> None:
    """Fixed requests (queries, heartbeats), cycled from a different place by each virtual client."""
    i = offset
    while samples.running:
        r = plan.requests[i % len(plan.requests)]
        await samples.send(r["kind"], lambda: http.request(r["method"], r["path"], headers=r.get("headers"),
                                                           json=r.get("json")))
        i += 1


async def cores(samples: Samples, watch: dict[str, int]) -> dict[str, float]:
    """Cores used by each watched part and by this generator over exactly the recorded window."""
    await asyncio.sleep(max(0.0, samples.record_from - time.monotonic()))
    before, own = cpu_seconds(watch), time.process_time()
    await asyncio.sleep(max(0.0, samples.stop_at - time.monotonic()))
    after, wall = cpu_seconds(watch), samples.stop_at - samples.record_from
    return {"load": (time.process_time() - own) / wall,
            **{part: (after[part] - before.get(part, 0.0)) / wall for part in after}}


async def run(plan: Plan) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=plan.concurrency, max_keepalive_connections=plan.concurrency)
    samples = Samples(plan)
    async with httpx.AsyncClient(base_url=plan.base, limits=limits, timeout=60) as http:
        if plan.scenario == "commands":
            loops = [commands(http, samples, plan.accounts[i % len(plan.accounts)]) for i in range(plan.concurrency)]
        else:
            step = max(1, len(plan.requests) // plan.concurrency)
            loops = [requests(http, samples, i * step, plan) for i in range(plan.concurrency)]
        used, *_ = await asyncio.gather(cores(samples, plan.watch), *loops)
    return {"samples": samples.rows, "positions": samples.positions, "cores": used}


if __name__ == "__main__":
    result = asyncio.run(run(msgspec.json.decode(sys.stdin.buffer.read(), type=Plan)))
    sys.stdout.buffer.write(msgspec.json.encode(result))
