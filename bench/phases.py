"""What the benchmark measures, one function per figure, each with its baseline in the same run."""

import asyncio
import os
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import msgspec
import psutil
from eventsourcing.persistence import StoredEvent

from bench import baselines, scale, wrk
from bench.pages import bare_server, capture_pages, path_slug
from bench.report import Row, latency, ok, rate, throughput_row
from bench.stack import Bench, CpuMeter, reaches, run_load, seconds
from gateway.csv_export import CsvFormat, exported, formatted
from gateway.sessions import CSV_COLUMNS as SESSIONS_CSV_COLUMNS
from projections import sessions
from projections.preferences import preferences
from projections.positions import READ_MODELS
from projections.rebuild import create_scratch, replay

WARMUP = 2.0


def command_plan(bench: Bench, duration: float, concurrency: int, rate_: float | None = None) -> dict[str, Any]:
    accounts = [{k: a[k] for k in ("token", "license_key", "namespace", "peer")} for a in bench.commanding]
    return {"scenario": "commands", "base": bench.stack.base, "concurrency": concurrency, "duration": duration,
            "warmup": WARMUP, "rate": rate_, "accounts": accounts}


def saves_between(bench: Bench, positions: list[int]) -> list[list[StoredEvent]]:
    """The stored events of each accepted command (each answer's position ends one save), in order."""
    ends = sorted(set(positions))
    found = bench.portal.recorder.select_notifications(ends[0] + 1, ends[-1] - ends[0], ends[-1])
    saves, current, boundaries = [], [], iter(ends[1:])
    boundary = next(boundaries)
    for n in found:
        current.append(StoredEvent(originator_id=n.originator_id, originator_version=n.originator_version,
                                   topic=n.topic, state=n.state))
        if n.id == boundary:
            saves.append(current)
            current, boundary = [], next(boundaries, 0)
    return saves


async def commands(bench: Bench) -> list[Row]:
    duration, concurrency = seconds(bench, 15), bench.args.concurrency
    bench.profiler.start("commands-gateway", bench.stack.roles["gateway"].pid, duration + WARMUP)
    load = await asyncio.to_thread(run_load, command_plan(bench, duration, concurrency), bench.stack,
                                   bench.args.load_processes)
    bench.profiler.finish()
    saves = await asyncio.to_thread(saves_between, bench, load["positions"])
    kinds = {k: latency([s[3] for s in ok(load["samples"]) if s[0] == k]) for k in {s[0] for s in load["samples"]}}
    figure = f"commands via HTTP, {concurrency} clients"
    details = {"per_command": kinds, "events_per_command": sum(map(len, saves)) / max(len(saves), 1)}
    recorder = await asyncio.to_thread(baselines.recorder_saves, bench.stack.postgres.url, saves, concurrency,
                                       duration)
    events = [e for save in saves for e in save]
    inserts = await baselines.single_row_inserts(bench.stack.postgres.url, events, concurrency, seconds(bench, 8))
    return [throughput_row(figure, "cmd/s", load["samples"], "eventsourcing recorder, same saves", recorder,
                           load["cores"], **details),
            throughput_row(figure, "cmd/s", load["samples"], "asyncpg single-row INSERTs", inserts,
                           load["cores"], **details)]


def first_seen(seen: list[tuple[float, str, int]], projection: str, position: int) -> float | None:
    for moment, announcer, reached in seen:
        if announcer == projection and reached >= position:
            return moment
    return None


async def freshness(bench: Bench) -> list[Row]:
    duration, target = seconds(bench, 10), bench.args.fresh_rate
    stop = threading.Event()
    polling = asyncio.create_task(baselines.watch_positions(bench.stack.postgres.url, stop.is_set))
    relayed = asyncio.create_task(baselines.watch_stream(bench.stack.nats.url, stop.is_set))
    before = await asyncio.to_thread(bench.portal.current_position)
    for role in ("relay", "projector"):
        bench.profiler.start(f"freshness-{role}", bench.stack.roles[role].pid, duration + WARMUP)
    load = await asyncio.to_thread(run_load, command_plan(bench, duration, 8, target), bench.stack)
    bench.profiler.finish()
    await asyncio.sleep(2)  # the last answers' effects
    stop.set()
    seen, on_nats = await polling, dict((position, at) for at, position in reversed(await relayed))
    accepted = [s for s in ok(load["samples"]) if s[4]]
    events_per_second = (await asyncio.to_thread(bench.portal.current_position) - before) / (duration + WARMUP)
    nats = await baselines.jetstream_latency(bench.stack.nats.url, events_per_second, duration, 600)
    relay = latency([max(0.0, on_nats[s[4]] - s[2]) for s in accepted if s[4] in on_nats])
    rows = []
    for projection, view in (("license_tab", "dashboard counters"), ("sessions", "sessions log")):
        lags = [max(0.0, seen_at - s[2]) for s in accepted
                if (seen_at := first_seen(seen, projection, s[4])) is not None]
        mine, base = latency(lags), latency(nats)
        rows.append(Row(figure=f"freshness: answer -> {view} ({projection})", value=mine.p50 if mine else 0,
                        unit="ms p50", latency=mine, baseline="JetStream publish -> consume",
                        baseline_value=base.p50 if base else 0, baseline_latency=base,
                        ratio=round((mine.p50 if mine else 0) / max(base.p50 if base else 1e-9, 1e-9), 2),
                        cores=load["cores"], details={"commands_per_second": rate(accepted),
                                                      "events_per_second": events_per_second,
                                                      "measured": len(lags),
                                                      "answer_to_nats_ms": relay}))
    return rows


async def queries(bench: Bench) -> list[Row]:
    views = {"dashboard counters": "/v1/license", "clients page": "/v1/clients?limit=50",
             "sessions page": "/v1/sessions?limit=50"}
    targets: dict[str, list[dict[str, Any]]] = {
        view: [{"kind": view, "method": "GET", "path": path, "key": f"{path_slug(path)}-{a['account_id']}",
                "headers": {"Authorization": f"Bearer {a['token']}"}} for a in bench.browsing]
        for view, path in views.items()}
    for found in targets.values():
        await capture_pages(bench, found)
    connections, watch = bench.args.concurrency, bench.stack.watch()
    rows = []
    async with bare_server(bench) as (bare, pid):
        bare_watch = {"bare": pid, "postgres": watch["postgres"]}
        for view, found in targets.items():
            bench.profiler.start(f"query-{path_slug(found[0]['path'])}-gateway", bench.stack.roles["gateway"].pid,
                                 seconds(bench, 6))
            mine = await asyncio.to_thread(wrk.measure, bench.stack.base, found, connections, seconds(bench, 6), watch)
            bench.profiler.finish()
            bare_requests = [{**t, "path": f"/bare/{t['key']}", "headers": {}} for t in found]
            base = await asyncio.to_thread(wrk.measure, bare, bare_requests, connections, seconds(bench, 6), bare_watch)
            rows.append(wrk.row(f"query: {view}", "req/s", mine, "bare Litestar + 1 asyncpg PK read", base))
        hello = await asyncio.to_thread(wrk.measure, bare, [{"method": "GET", "path": "/health"}], connections,
                                        seconds(bench, 4), {"bare": pid})
    fastest = max(rows, key=lambda r: r.value)
    rows.append(Row(figure="load generator's reach: bare Litestar hello", value=hello.rate, unit="req/s",
                    latency=hello.latency, baseline=f"fastest Portal query ({fastest.figure})",
                    baseline_value=fastest.value, baseline_latency=fastest.latency,
                    ratio=round(hello.rate / max(fastest.value, 1e-9), 3), cores=hello.cores,
                    details={"generator_is_not_the_limit": hello.rate >= 3 * fastest.value}))
    if hello.rate < 3 * fastest.value:
        print(f"WARNING: the hello reached only {hello.rate / max(fastest.value, 1e-9):.1f}x the fastest query "
              "(3x needed): the load generator may be what limits these figures", file=sys.stderr)
    return rows


async def rebuild(bench: Bench) -> list[Row]:
    stop = min(await asyncio.to_thread(bench.portal.current_position), bench.args.rebuild_events)
    meter = CpuMeter(bench.stack)
    per_model: dict[str, float] = {}
    async with bench.pool.acquire() as conn:
        await create_scratch(conn, "bench_rebuild", READ_MODELS)
    meter.start()
    bench.profiler.start("rebuild-bench", os.getpid(), 15)
    for model in READ_MODELS:
        began = time.monotonic()
        await replay(bench.pool, bench.portal, [model], "bench_rebuild", 0, stop)
        per_model[model.name] = round(stop / (time.monotonic() - began), 1)
    cores = meter.stop()
    bench.profiler.finish()
    await bench.pool.execute("DROP SCHEMA bench_rebuild CASCADE")
    count, spent = await asyncio.to_thread(baselines.store_read, bench.portal, stop)
    value, base = stop * len(READ_MODELS) / sum(stop / v for v in per_model.values()), count / spent
    return [Row(figure=f"rebuild: {len(READ_MODELS)} read models, one at a time", value=round(value, 1),
                unit="events/s", latency=None, baseline="reading the same events from the store",
                baseline_value=round(base, 1), baseline_latency=None, ratio=round(value / base, 3), cores=cores,
                details={"events": stop, "per_model_events_per_second": per_model})]


def peak_rss(pid: int, done: threading.Event, found: list[int]) -> None:
    process = psutil.Process(pid)
    while not done.is_set():
        found.append(process.memory_info().rss)
        time.sleep(0.01)


async def streamed_export(bench: Bench) -> tuple[int, float, dict[str, float], int, int, int]:
    """GET /v1/sessions.csv of the exporting account, read as it streams; answers the rows, the seconds, the
    cores used, the gateway's memory before and at its peak, and the bytes read."""
    gateway = bench.stack.roles["gateway"].pid
    resting = psutil.Process(gateway).memory_info().rss
    done, rss = threading.Event(), [resting]
    sampler = threading.Thread(target=peak_rss, args=(gateway, done, rss))
    meter = CpuMeter(bench.stack)
    sampler.start()
    meter.start()
    began = time.monotonic()
    # curl reads it (C, as wrk drives the queries): the reader must not be what limits the figure
    reader = await asyncio.create_subprocess_exec(
        "curl", "-sS", "--fail", "-o", "/dev/null", "-w", "%{size_download}",
        "-H", f"Authorization: Bearer {bench.exporting['token']}", f"{bench.stack.base}/v1/sessions.csv",
        stdout=asyncio.subprocess.PIPE)
    size, _ = await reader.communicate()
    if reader.returncode != 0:
        raise SystemExit(f"the CSV export failed (curl exit status {reader.returncode})")
    spent = time.monotonic() - began
    cores = meter.stop()
    done.set()
    sampler.join()
    rows = await bench.pool.fetchval("SELECT count(*) FROM sessions WHERE account_id = $1",
                                     bench.exporting["account_id"])
    return rows, spent, cores, resting, max(rss), int(size)


async def csv_row(bench: Bench, memory: bool) -> list[Row]:
    rows, spent, cores, resting, peak, size = await streamed_export(bench)
    account_id = bench.exporting["account_id"]
    query, args = sessions.every_session(account_id, sessions.SessionFilter(), descending=True)
    fmt = CsvFormat(await preferences(bench.pool, account_id))
    async with bench.pool.acquire() as conn:  # the export's own query: its cells formatted as the account likes
        own = await formatted(conn, exported(SESSIONS_CSV_COLUMNS, query, args), fmt)
    found = []
    for baseline, sql, zone in (("PostgreSQL COPY of the same query", query, "UTC"),
                                ("PostgreSQL COPY of the export's own query (cells formatted)", own,
                                 fmt.time_zone)):
        copied, copy_spent = await baselines.copy_export(bench.pool, sql, *args, time_zone=zone)
        found.append(Row(figure=f"CSV export: {rows:,} sessions", value=round(rows / spent, 1), unit="rows/s",
                         latency=None, baseline=baseline, baseline_value=round(copied / copy_spent, 1),
                         baseline_latency=None, ratio=round(rows / spent / (copied / copy_spent), 3), cores=cores,
                         details={"bytes": size, "copied_rows": copied}))
    mib = 1024 * 1024
    if memory:
        found.append(Row(figure=f"CSV export of {rows:,} sessions: gateway peak memory", value=round(peak / mib, 1),
                         unit="MiB", latency=None, baseline="gateway memory before the export",
                         baseline_value=round(resting / mib, 1), baseline_latency=None, ratio=round(peak / resting, 3)))
    return found


async def csv_export(bench: Bench) -> list[Row]:
    """The seeded sessions log, then (for the memory figure) the same log grown to --memory-rows sessions with
    rows written straight into the read model, removed afterwards."""
    found = await csv_row(bench, memory=False)
    account_id = bench.exporting["account_id"]
    have = await bench.pool.fetchval("SELECT count(*) FROM sessions WHERE account_id = $1", account_id)
    await bench.pool.execute(
        """INSERT INTO sessions (account_id, session_id, from_client_id, to_client_id, started_at, ended_at,
                                 end_reason, position)
           SELECT $1, 'bench-' || n, '100000001', '100000002', now() - n * interval '1 second',
                  now() - n * interval '1 second' + interval '5 minutes', 'ended', 0
           FROM generate_series(1, $2) AS n""", account_id, max(0, bench.args.memory_rows - have))
    try:
        found += await csv_row(bench, memory=True)
    finally:
        await bench.pool.execute("DELETE FROM sessions WHERE account_id = $1 AND session_id LIKE 'bench-%'",
                                 account_id)
    return found


async def heartbeats(bench: Bench) -> list[Row]:
    # at most the logged-in accounts' clients (run.LOGINS accounts): the count used is in the row's details
    clients = [(a, c) for a in bench.browsing for c in a["client_ids"]][:bench.args.heartbeat_clients]
    beats: list[dict[str, Any]] = [{"kind": "heartbeat", "method": "POST", "path": "/v1/device/heartbeat",
              "headers": {"X-License-Key": a["license_key"]}, "json": {"client_id": c, "version": "9.0.1"}}
             for a, c in clients]
    async with httpx.AsyncClient(base_url=bench.stack.base, timeout=60) as http:
        for b in beats:  # the first heartbeat records the client coming online: a transition, not a beat
            (await http.post(b["path"], headers=b["headers"], json=b["json"])).raise_for_status()
    await reaches(bench, "clients", await asyncio.to_thread(bench.portal.current_position))
    duration, connections, watch = seconds(bench, 6), bench.args.concurrency, bench.stack.watch()
    bench.profiler.start("heartbeats-gateway", bench.stack.roles["gateway"].pid, duration)
    mine = await asyncio.to_thread(wrk.measure, bench.stack.base, beats, connections, duration, watch)
    bench.profiler.finish()
    async with bare_server(bench) as (bare, pid):
        base = await asyncio.to_thread(wrk.measure, bare, beats, connections, duration, {"bare": pid})
    absorbed = msgspec.structs.replace(mine, rate=round(mine.absorbed / mine.seconds, 1))
    return [wrk.row("heartbeats absorbed (no event)", "beats/s", absorbed,
                    "bare Litestar, same request, no database", base,
                    transitions=sum(mine.statuses.values()) - mine.absorbed, clients=len(clients))]


PHASES: dict[str, Callable[[Bench], Awaitable[list[Row]]]] = {
    "commands": commands, "freshness": freshness, "queries": queries, "rebuild": rebuild, "csv": csv_export,
    "heartbeats": heartbeats, "lists": scale.lists, "search": scale.help_desk_search}
NAMES = tuple(PHASES)
