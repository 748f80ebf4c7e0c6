"""The bare baseline's pages: the gateway's own answers captured, then served by `bench.bare` with one
primary-key read, so a query's figure stands beside the cost of the HTTP and one round trip alone."""

import asyncio
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from bench.stack import ROOT, Bench, run_load, seconds
from workers.dev import wait_until_ready
from workers.embedded import free_port, stop_process


async def capture_pages(bench: Bench, targets: list[dict[str, Any]]) -> None:
    """The gateway's answers, stored for the bare handler to serve by primary key."""
    await bench.pool.execute("CREATE TABLE IF NOT EXISTS bench_pages (key text PRIMARY KEY, body bytea NOT NULL)")
    async with httpx.AsyncClient(base_url=bench.stack.base, timeout=60) as http:
        for t in targets:
            answer = await http.get(t["path"], headers=t["headers"])
            answer.raise_for_status()
            await bench.pool.execute("INSERT INTO bench_pages VALUES ($1, $2) ON CONFLICT (key) DO UPDATE "
                                     "SET body = $2", t["key"], answer.content)


def path_slug(path: str) -> str:
    return path.split("?")[0].removeprefix("/v1/")


@asynccontextmanager
async def bare_server(bench: Bench) -> AsyncIterator[tuple[str, int]]:
    """bench.bare served on a port of its own while the block runs; answers its base URL and pid."""
    port = free_port()
    bare = subprocess.Popen([sys.executable, "-m", "bench.bare", "--port", str(port)], cwd=ROOT,
                            env=bench.stack.env)
    try:
        await asyncio.to_thread(wait_until_ready, f"http://127.0.0.1:{port}", bare)
        yield f"http://127.0.0.1:{port}", bare.pid
    finally:
        stop_process(bare, signal.SIGTERM)


async def against_bare(bench: Bench, found: list[dict[str, Any]], concurrency: int,
                       duration: float = 6) -> tuple[dict[str, Any], dict[str, Any]]:
    """The requests loaded through the gateway, then through the bare baseline serving the gateway's own answers
    to them with one primary-key read, by the Python generator (it times each request: the latencies count)."""
    await capture_pages(bench, found)
    plan = {"scenario": "requests", "base": bench.stack.base, "concurrency": concurrency,
            "duration": seconds(bench, duration), "warmup": 1.0, "requests": found}
    mine = await asyncio.to_thread(run_load, plan, bench.stack, bench.args.load_processes)
    async with bare_server(bench) as (bare, _):
        bare_requests = [{**t, "path": f"/bare/{t['key']}", "headers": {}} for t in found]
        base = await asyncio.to_thread(run_load, {**plan, "base": bare, "requests": bare_requests}, bench.stack,
                                       bench.args.load_processes)
    return mine, base
