"""The service under test, as in production: embedded PostgreSQL and NATS, and one process per `portal` role;
plus what the benchmark needs around it: seeding, logging in, load processes and CPU accounting."""

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import msgspec

from bench.load import cpu_seconds
from bench.profile import Profiler
from domain.application import Portal
from projections.positions import READ_MODELS
from workers.dev import wait_until_ready
from workers.shredding import new_master_key
from workers.embedded import EmbeddedNats, EmbeddedPostgres, free_port, stop_process

ROOT = Path(__file__).resolve().parent.parent


class Stack:
    def __init__(self, folder: Path, projectors: int = 1) -> None:
        self.folder = folder
        self.projectors = projectors  # processes the read models are shared among, as `portal projector --only`
        self.postgres = EmbeddedPostgres(folder, free_port())
        self.nats = EmbeddedNats(folder, free_port())
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.roles: dict[str, subprocess.Popen[bytes]] = {}
        self.env: dict[str, str] = {}

    def start(self) -> None:
        self.postgres.start()
        self.nats.start()
        os.environ.setdefault("PORTAL_MASTER_KEY", self.master_key())  # for the roles and this process's Portal
        self.env = {**os.environ, "PORTAL_DATABASE_URL": self.postgres.url, "PORTAL_NATS_URL": self.nats.url,
                    "PORTAL_LOG_LEVEL": "WARNING", "PORTAL_MIN_POSITION_WAIT_SECONDS": "10"}
        subprocess.run([sys.executable, "-m", "workers.cli", "migrate"], env=self.env, cwd=ROOT, check=True,
                       capture_output=True)
        self.spawn("relay")
        for n in range(self.projectors):
            only = ("--only", *[m.name for m in READ_MODELS[n::self.projectors]]) if self.projectors > 1 else ()
            self.spawn("projector", *only, part="projector" if n == 0 else f"projector-{n + 1}")
        self.spawn("gateway")
        wait_until_ready(self.base, self.roles["gateway"])

    def master_key(self) -> str:
        """The data folder's master key, made on its first use: data kept for a later run stays readable."""
        kept = self.folder / "master.key"
        if not kept.exists():
            kept.write_text(new_master_key())
            kept.chmod(0o600)
        return kept.read_text()

    def spawn(self, role: str, *args: str, part: str | None = None) -> subprocess.Popen[bytes]:
        """Start `portal <role>` as the stack's `part` (the role's name unless given)."""
        part = part or role
        extra = ("--port", str(self.port)) if role == "gateway" else args
        log = (self.folder / f"{part}.log").open("ab")
        self.roles[part] = subprocess.Popen([sys.executable, "-m", "workers.cli", role, *extra], env=self.env,
                                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        return self.roles[part]

    def stop(self) -> None:
        for process in self.roles.values():
            stop_process(process, signal.SIGTERM)
        self.nats.stop()
        self.postgres.stop()

    def seed(self, accounts: int, clients: int, sessions: int) -> dict[str, Any]:
        """`portal seed --json`, exactly as a person runs it; answers its report."""
        done = subprocess.run([sys.executable, "-m", "workers.cli", "seed", "--accounts", str(accounts),
                               "--clients-per-account", str(clients), "--sessions-per-client", str(sessions),
                               "--json"], env=self.env, cwd=ROOT, check=True, stdout=subprocess.PIPE)
        return json.loads(done.stdout)

    def logins(self, report: dict[str, Any]) -> list[dict[str, Any]]:
        """Each seeded account with a bearer token and its license key (over HTTP, as a frontend would)."""
        found = []
        with httpx.Client(base_url=self.base, timeout=60) as http:
            for account in report["accounts"]:
                login = http.post("/v1/auth/login", json={"email": account["email"], "password": report["password"]})
                login.raise_for_status()
                token = login.json()["token"]
                tab = http.get("/v1/license", headers={"Authorization": f"Bearer {token}"})
                tab.raise_for_status()
                found.append({**account, "token": token, "license_key": tab.json()["license_key"]})
        return found

    def watch(self) -> dict[str, int]:
        """The root process of each part of the stack, for CPU accounting."""
        return {**{part: process.pid for part, process in self.roles.items()},
                "postgres": self.postgres.process.pid, "nats": self.nats.process.pid}  # type: ignore[union-attr]


class CpuMeter:
    """Cores used by each part of the stack, and by this process, between `start()` and `stop()`."""

    def __init__(self, stack: Stack) -> None:
        self.watch = {**stack.watch(), "bench": os.getpid()}
        self.before: dict[str, float] = {}
        self.began = 0.0

    def start(self) -> None:
        self.before, self.began = cpu_seconds(self.watch), time.monotonic()

    def stop(self) -> dict[str, float]:
        after, wall = cpu_seconds(self.watch), time.monotonic() - self.began
        return {part: round((after[part] - self.before.get(part, 0.0)) / wall, 2) for part in after}


def run_load(plan: dict[str, Any], stack: Stack, processes: int = 1) -> dict[str, Any]:
    """Run a load plan in `processes` generator processes (the concurrency split between them); answers
    every sample and the cores each part of the stack and the generators used meanwhile."""
    share = max(1, plan["concurrency"] // processes)
    parts = [{**plan, "concurrency": share, "rate": plan["rate"] / processes if plan.get("rate") else None,
              "watch": stack.watch() if i == 0 else {}} for i in range(processes)]
    children = [subprocess.Popen([sys.executable, "-m", "bench.load"], cwd=ROOT, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE) for _ in parts]
    for child, part in zip(children, parts):
        child.stdin.write(msgspec.json.encode(part))  # type: ignore[union-attr]
        child.stdin.close()  # type: ignore[union-attr]
    results = [json.loads(child.stdout.read()) for child in children]  # type: ignore[union-attr]
    for child in children:
        if child.wait() != 0:
            raise SystemExit("a load generator failed")
    cores = {**results[0]["cores"], "load": sum(r["cores"]["load"] for r in results)}
    return {"samples": [s for r in results for s in r["samples"]],
            "positions": [p for r in results for p in r["positions"]],
            "cores": {part: round(c, 2) for part, c in cores.items()}}


async def reaches(bench: "Bench", projection: str, position: int) -> None:
    """Wait until one read model has applied `position`."""
    query = "SELECT position FROM projection_positions WHERE projection = $1"
    while await bench.pool.fetchval(query, projection) < position:
        await asyncio.sleep(0.05)


def seconds(bench: "Bench", base: float) -> float:
    """A measuring time, as --seconds scales them all."""
    return base * bench.args.seconds


@dataclass
class Bench:
    args: argparse.Namespace
    stack: Stack
    portal: Portal
    pool: asyncpg.Pool
    browsing: list[dict[str, Any]]  # seeded accounts the queries read, logged in
    exporting: dict[str, Any]  # the account with the large sessions log, logged in
    commanding: list[dict[str, Any]]  # accounts the command load writes to, logged in, with a namespace
    profiler: Profiler
    preparation: dict[str, Any] = field(default_factory=dict)  # what seeding and projecting it took
