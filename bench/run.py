"""The benchmark: every figure of Portal measured in the same run as its baseline, with the ratio.

    python -m bench.run            # the default run: a few minutes on two cores
    python -m bench.run --help     # flags scale the data, the load and the durations

It starts the service as in production (embedded PostgreSQL and NATS, one process per role), seeds it with
`portal seed`, drives it over HTTP from separate load-generator processes, prints a table and writes JSON to
bench/results/.
"""

import argparse
import asyncio
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import phases
from bench.profile import Profiler
from bench.report import Row, save, table
from bench.stack import Bench, Stack
from domain.application import Portal
from projections.positions import READ_MODELS
from workers.config import event_store_env


# The counts --scale multiplies when they are not given. The per-account shape (clients, sessions) stays, and the
# search's defaults are already a large platform's.
SCALED = {"accounts": 10, "export_clients": 20, "export_sessions": 5_000, "command_accounts": 8,
          "rebuild_events": 10_000, "heartbeat_clients": 200}
LOGINS = 100  # seeded accounts logged in for the queries: enough to spread them, few enough to log in quickly
COMMANDING = {"commands", "freshness"}  # the phases that write to the command accounts


def arguments() -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__, allow_abbrev=False,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=float, default=1.0,
                   help="seed N times the default data: N times the accounts (each of the same shape), the exported "
                        "account's clients and sessions, the command accounts, the rebuild's events and the "
                        "heartbeating clients, each unless given (default 1)")
    p.add_argument("--seconds", type=float, default=1.0, help="multiply every measuring time (default 1)")
    p.add_argument("--concurrency", type=int, default=16, help="concurrent virtual clients (default 16)")
    p.add_argument("--load-processes", type=int, default=1, help="load-generator processes (default 1)")
    p.add_argument("--accounts", type=int, help="seeded accounts the queries read (default 10)")
    p.add_argument("--clients", type=int, default=20, help="clients per seeded account (default 20)")
    p.add_argument("--sessions", type=int, default=10, help="sessions per seeded client (default 10)")
    p.add_argument("--export-clients", type=int,
                   help="clients of the account whose log is exported, the largest account (default 20)")
    p.add_argument("--export-sessions", type=int,
                   help="sessions of the account whose log is exported as CSV (default 5000)")
    p.add_argument("--memory-rows", type=int, default=1_000_000,
                   help="sessions in the log exported to measure the gateway's memory (default 1000000)")
    p.add_argument("--command-accounts", type=int, help="accounts the command load writes to (default 8)")
    p.add_argument("--fresh-rate", type=float, default=100.0, help="commands/s while measuring freshness")
    p.add_argument("--rebuild-events", type=int, help="events replayed per read model (default 10000)")
    p.add_argument("--heartbeat-clients", type=int, help="online clients sending heartbeats (default 200)")
    p.add_argument("--search-accounts", type=int, default=100_000,
                   help="customers (each with its owner) in the search read model (default 100000)")
    p.add_argument("--search-clients", type=int, default=1_000_000,
                   help="clients in the search read model (default 1000000)")
    p.add_argument("--search-concurrency", type=int, default=4,
                   help="help-desk members searching at once (default 4)")
    p.add_argument("--list-concurrency", type=int, default=4,
                   help="people paging through clients and sessions at once (default 4)")
    p.add_argument("--projectors", type=int, default=1,
                   help="projector processes sharing the read models (`portal projector --only`), default 1")
    p.add_argument("--only", nargs="+", choices=phases.NAMES, help="measure only these figures")
    p.add_argument("--profile", action="store_true", help="sample the busiest processes with py-spy")
    p.add_argument("--data-dir", help="keep the servers' data here (default: a temporary folder, removed)")
    args = p.parse_args()
    for name, default in SCALED.items():
        if getattr(args, name) is None:
            setattr(args, name, max(1, int(default * args.scale)))
    if not 1 <= args.projectors <= len(READ_MODELS):
        p.error(f"--projectors must be between 1 and {len(READ_MODELS)} (one read model each at most)")
    return args


def step(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


async def projected(bench: Bench, stuck: float = 300) -> None:
    """Wait until every read model has applied every stored event; give up only when none moved for `stuck`
    seconds (at scale, projecting takes as long as it takes)."""
    head, behind = await asyncio.to_thread(bench.portal.current_position), -1
    deadline = time.monotonic() + stuck
    while True:
        rows = await bench.pool.fetch("SELECT projection, position FROM projection_positions")
        positions = [r["position"] for r in rows if r["projection"] in {m.name for m in READ_MODELS}]
        if len(positions) == len(READ_MODELS) and min(positions) >= head:
            return
        if sum(positions) > behind:
            behind, deadline = sum(positions), time.monotonic() + stuck
        elif time.monotonic() > deadline:
            raise SystemExit(f"the projections did not move for {stuck:.0f}s, short of position {head}")
        print(f"\r  projecting: {min(positions, default=0)}/{head}", end="", file=sys.stderr, flush=True)
        await asyncio.sleep(0.5)


def seed(args: argparse.Namespace, stack: Stack) -> tuple[dict[str, Any], ...]:
    """`portal seed` for the browsing accounts, the largest (exported) one and the command accounts; with
    --data-dir, the reports are kept there and a later run with the same counts reuses the data as it is."""
    shape = {name: getattr(args, name) for name in ("accounts", "clients", "sessions", "export_clients",
                                                    "export_sessions", "command_accounts")}
    shape["commanding"] = not args.only or bool(COMMANDING & set(args.only))
    kept = stack.folder / "seeded.json"
    if kept.exists():
        earlier = json.loads(kept.read_text())
        if earlier["shape"] != shape:
            raise SystemExit(f"{stack.folder} holds data seeded with other counts ({earlier['shape']}): "
                             "give the same counts, or another --data-dir")
        step(f"reusing the data seeded earlier in {stack.folder}")
        return tuple(earlier["reports"])
    step("seeding with `portal seed`")
    reports = (stack.seed(args.accounts, args.clients, args.sessions),
               stack.seed(1, args.export_clients, max(1, args.export_sessions // args.export_clients)),
               stack.seed(args.command_accounts, 1, 0) if shape["commanding"] else {"accounts": []})
    kept.write_text(json.dumps({"shape": shape, "reports": reports}))
    return reports


async def prepare(args: argparse.Namespace, stack: Stack) -> Bench:
    began, reused = time.monotonic(), (stack.folder / "seeded.json").exists()
    browsing, exporting, commanding = await asyncio.to_thread(seed, args, stack)
    portal = Portal(env=event_store_env(stack.postgres.url))
    pool = await asyncpg.create_pool(stack.postgres.url, min_size=2, max_size=args.concurrency + 4)
    bench = Bench(args, stack, portal, pool, [], {}, [], Profiler(args.profile))
    seeded, events = time.monotonic(), portal.current_position()
    step(f"waiting for the projections to apply {events} events")
    await projected(bench)
    print(file=sys.stderr)
    done = time.monotonic()
    reports = (browsing, exporting, commanding)
    bench.preparation = {"reused_earlier_seed": reused, "events": events, "seed_events": sum(r.get("events", 0) for r in reports),
                         "seed_seconds": round(seeded - began, 1),
                         "projected_after_seed_seconds": round(done - seeded, 1),
                         "seed_and_project_seconds": round(done - began, 1),
                         "sessions": sum(r.get("sessions", 0) for r in reports),
                         "clients": sum(len(a["client_ids"]) for r in reports for a in r["accounts"])}
    step("seeded and projected: " + ", ".join(f"{k} {v:,}" for k, v in bench.preparation.items()))
    bench.browsing = await asyncio.to_thread(stack.logins, {**browsing, "accounts": browsing["accounts"][:LOGINS]})
    bench.exporting = (await asyncio.to_thread(stack.logins, exporting))[0]
    bench.commanding = await asyncio.to_thread(stack.logins, commanding)
    async with httpx.AsyncClient(base_url=stack.base, timeout=60) as http:
        for account in bench.commanding:  # aliases need a namespace
            account["namespace"] = f"bench-{secrets.token_hex(4)}"
            account["peer"] = account["client_ids"][0]
            bought = await http.post("/v1/license/namespace", json={"namespace": account["namespace"]},
                                     headers={"Authorization": f"Bearer {account['token']}"})
            bought.raise_for_status()
    return bench


async def measure(args: argparse.Namespace, stack: Stack) -> tuple[list[Row], dict[str, Any]]:
    load_before = os.getloadavg()  # other work on the machine skews every figure: it is recorded
    bench = await prepare(args, stack)
    rows: list[Row] = []
    try:
        for name, phase in phases.PHASES.items():
            if args.only and name not in args.only:
                continue
            step(f"measuring {name}")
            rows += await phase(bench)
            await projected(bench)  # each phase starts from a quiet stack
        meta = {"arguments": vars(args), "events": bench.portal.current_position(), "preparation": bench.preparation,
                "cores": os.cpu_count(), "load_average_before": load_before, "load_average_after": os.getloadavg(),
                "profiles": bench.profiler.summaries}
    finally:
        await bench.pool.close()
        bench.portal.close()
    return rows, meta


def main() -> None:
    args = arguments()
    folder = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="portal-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    stack = Stack(folder, args.projectors)
    step(f"starting PostgreSQL, NATS, relay, projector and gateway (data in {folder})")
    stack.start()
    try:
        rows, meta = asyncio.run(measure(args, stack))
    finally:
        stack.stop()
        if not args.data_dir:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))
    print("\nseeded and projected: " + ", ".join(f"{k} {v:,}" for k, v in meta["preparation"].items()))
    print(f"\nload average before and after: {meta['load_average_before']} {meta['load_average_after']}")
    for name, hot in meta["profiles"].items():
        print(f"\nprofile {name}: share of samples in each function (own time, then with callees)")
        print("\n".join(f"  {share:5.1%}  {frame}" for frame, share in hot))
    print(f"\nwritten to {save(rows, meta)}")


if __name__ == "__main__":
    main()
