"""The figures at scale: the list queries of the Clients and Sessions tabs (pages, sorts, filters, search) and
the dashboard on the largest seeded account and on a typical one, each with the query plan of its first page;
and the help desk's search over 100,000 accounts and 1,000,000 clients. Both are p99 through HTTP beside the
bare handler answering the same JSON with one primary-key read.
"""

import asyncio
import random
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from bench import search as bench_search
from bench.pages import against_bare
from bench.report import Latency, Row, latency, ok, rate
from bench.stack import Bench, reaches
from projections.clients import every_client
from projections.license import WITH_MONTH
from projections.search import search as search_read_model
from projections.sessions import SessionFilter, every_session
from projections.usage import this_month
from workers.config import Settings
from workers.staff import add_staff

LIMIT = 50  # rows per page, as the portal asks


Query = tuple[str, str, dict[str, Any], tuple[str, list[object]]]  # name, path, parameters, first page's SQL
OPEN_SESSIONS = 10  # started on each measured account before measuring: the seeded ones have all ended


def first_page(query: tuple[str, list[object]]) -> tuple[str, list[object]]:
    """A list's query as the gateway pages it: the limit a parameter, one row more than the page."""
    sql, args = query
    return f"{sql} LIMIT ${len(args) + 1}", [*args, LIMIT + 1]


def list_queries(account: dict[str, Any], now: datetime) -> list[Query]:
    """Each list query a portal user makes (and the dashboard, opened first): its name, path, parameters and SQL."""
    a, client = account["account_id"], account["client_ids"][len(account["client_ids"]) // 2]
    part = client[3:7]  # four digits from inside a client id, as a person types a fragment they remember
    after, before = now - timedelta(days=60), now - timedelta(days=30)
    month = this_month(ZoneInfo("UTC"), now)

    def clients(name: str, query: dict[str, Any], online: bool | None = None, search: str | None = None,
                sort: str = "client_id", descending: bool = False) -> Query:
        sql = every_client(a, online=online, search=search, sort=sort, descending=descending)
        return name, "/v1/clients", query, first_page(sql)

    def sessions(name: str, query: dict[str, Any], f: SessionFilter) -> Query:
        return name, "/v1/sessions", query, first_page(every_session(a, f, descending=True))

    return [
        ("dashboard", "/v1/license", {}, (WITH_MONTH, [a, [month.start], [month.end]])),
        clients("clients page", {}),
        clients("clients by alias", {"sort": "alias"}, sort="alias"),
        clients("clients by online since", {"sort": "online_since", "order": "desc"}, sort="online_since",
                descending=True),
        clients("clients by version", {"sort": "version"}, sort="version"),
        clients("offline clients", {"online": "false"}, online=False),
        clients("clients search", {"q": part}, search=part),
        sessions("sessions page", {}, SessionFilter()),
        sessions("sessions of one client", {"client_id": client}, SessionFilter(client_id=client)),
        sessions("sessions in a month", {"from": after.isoformat(), "to": before.isoformat()},
                 SessionFilter(started_after=after, started_before=before)),
        sessions("ended sessions", {"active": "false"}, SessionFilter(active=False)),
        sessions("active sessions", {"active": "true"}, SessionFilter(active=True)),
    ]


async def query_plans(pool: asyncpg.Pool, sql: str, args: list[object]) -> dict[str, list[str]]:
    """EXPLAIN ANALYZE of a first page as a prepared statement, planned for its values ("custom") and, as the
    gateway's statements may be after their fifth run, for any values ("generic"): what PostgreSQL chose and
    what it cost. (Parameters given to a plain EXPLAIN are planned as values: the plan would be custom.)"""
    plans = {}
    values = ", ".join(literal(a) for a in args)  # EXECUTE takes no parameters
    async with pool.acquire() as conn:
        for mode in ("custom", "generic"):
            async with conn.transaction():
                await conn.execute(f"SET LOCAL plan_cache_mode = force_{mode}_plan")
                await conn.execute(f"PREPARE bench_page AS {sql}")
                explained = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_page({values})")
                await conn.execute("DEALLOCATE bench_page")
            plans[mode] = [r[0] for r in explained]
    return plans


def literal(value: object) -> str:
    """A parameter as an SQL literal, cast by PostgreSQL to the prepared parameter's type."""
    if isinstance(value, list):
        text = "{" + ",".join(f'"{literal(v)[1:-1]}"' for v in value) + "}"
    else:
        text = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text.replace("'", "''") + "'"


async def second_page(bench: Bench, path: str, headers: dict[str, str]) -> str | None:
    """The path of the page after the first (keyset: it must cost what the first costs), if there is one."""
    async with httpx.AsyncClient(base_url=bench.stack.base, timeout=60) as http:
        first = await http.get(path, headers=headers)
        first.raise_for_status()
        cursor = first.json()["next_cursor"]
    return f"{path}&{urlencode({'cursor': cursor})}" if cursor else None


async def open_sessions(bench: Bench, account: dict[str, Any]) -> None:
    """Have OPEN_SESSIONS sessions open between the account's clients, started through the device API as live
    users start them, and wait until the sessions log shows them."""
    device, clients, position = {"X-License-Key": account["license_key"]}, account["client_ids"], 0
    active = await bench.pool.fetchval("SELECT count(*) FROM sessions WHERE account_id = $1 AND ended_at IS NULL",
                                       account["account_id"])  # those an earlier run on kept data opened
    async with httpx.AsyncClient(base_url=bench.stack.base, timeout=60) as http:
        for i in range(active, min(OPEN_SESSIONS, len(clients) - 1)):
            started = await http.post("/v1/device/sessions", headers=device,
                                      json={"from_client_id": clients[i], "to_client_id": clients[i + 1]})
            started.raise_for_status()
            position = max(position, int(started.headers["X-Event-Position"]))
    await reaches(bench, "sessions", position)


def described(account: dict[str, Any], label: str) -> str:
    return f"{label} account ({len(account['client_ids']):,} clients)"


async def lists(bench: Bench) -> list[Row]:
    """p99 of every list query through HTTP on the largest seeded account (the exported log's) and on a
    typical one, beside the bare handler answering the same JSON; each first page's plan in the details."""
    now, measured = datetime.now(UTC), ((bench.exporting, "largest"), (bench.browsing[0], "typical"))
    for account, _ in measured:
        await open_sessions(bench, account)
    # as autovacuum would have by now in production: the plans are chosen on the seeded tables' statistics
    await bench.pool.execute("ANALYZE clients, sessions, usage_sessions, license_tab, invoices")
    requests: list[dict[str, Any]] = []
    plans: dict[str, dict[str, list[str]]] = {}
    for account, label in measured:
        headers = {"Authorization": f"Bearer {account['token']}"}
        for name, route, query, (sql, args) in list_queries(account, now):
            kind = f"{name}: {described(account, label)}"
            path = f"{route}?{urlencode({'limit': LIMIT, **query})}"
            requests.append({"kind": kind, "method": "GET", "path": path, "key": f"list-{len(requests)}",
                             "headers": headers})
            plans[kind] = await query_plans(bench.pool, sql, args)
            if name in ("clients page", "sessions page") and (deeper := await second_page(bench, path, headers)):
                requests.append({"kind": f"{name}, next page: {described(account, label)}", "method": "GET",
                                 "path": deeper, "key": f"list-{len(requests)}", "headers": headers})
    # each query a few hundred times: its p99 is a percentile, not the slowest answer
    mine, base = await against_bare(bench, requests, bench.args.list_concurrency, duration=30)
    rows = []
    for r in requests:
        answered = [s[3] for s in ok(mine["samples"]) if s[0] == r["kind"]]
        theirs = latency([s[3] for s in ok(base["samples"]) if s[0] == r["kind"]])
        rows.append(p99_row(f"list: {r['kind']}", latency(answered), theirs, mine["cores"], samples=len(answered),
                            plans=plans.get(r["kind"], {}), path=r["path"].split("?")[0],
                            statuses=statuses(mine["samples"], r["kind"])))
    return rows


def statuses(samples: list[list[Any]], kind: str | None = None) -> dict[str, int]:
    found: dict[str, int] = {}
    for s in samples:
        if kind is None or s[0] == kind:
            found[str(s[1])] = found.get(str(s[1]), 0) + 1
    return found


def p99_row(figure: str, ours: Latency | None, theirs: Latency | None, cores: dict[str, float],
            **details: Any) -> Row:
    p99, base_p99 = (ours.p99 if ours else 0.0), (theirs.p99 if theirs else 0.0)
    return Row(figure=figure, value=p99, unit="ms p99", latency=ours, baseline="bare Litestar + 1 asyncpg PK read",
               baseline_value=base_p99, baseline_latency=theirs, ratio=round(p99 / max(base_p99, 1e-9), 2),
               cores=cores, details={"ratio_of": "p99", **details})


def help_desk_token(bench: Bench) -> str:
    """A platform help-desk login, made as `portal staff add` makes one, logged in over HTTP."""
    email = f"desk-{secrets.token_hex(4)}@bench.test"
    settings = Settings(database_url=bench.stack.postgres.url, nats_url=bench.stack.nats.url)
    password, _ = add_staff(settings, email, "Bench Desk", "help desk", None)
    with httpx.Client(base_url=bench.stack.base, timeout=60) as http:
        login = http.post("/v1/auth/login", json={"email": email, "password": password})
        login.raise_for_status()
        return str(login.json()["token"])


async def pk_read(conn: asyncpg.Connection, key: tuple[Any, ...]) -> None:
    await conn.fetchrow("SELECT title, detail FROM search_entries WHERE account_id = $1 AND kind = $2 AND id = $3",
                        *key)


async def help_desk_search(bench: Bench) -> list[Row]:
    """p99 of the help desk's search over HTTP at 100,000 accounts and 1,000,000 clients (default scale)."""
    accounts, clients = bench.args.search_accounts, bench.args.search_clients
    typed = await bench_search.seed(bench.pool, accounts, clients, random.Random(14))
    auth = {"Authorization": f"Bearer {await asyncio.to_thread(help_desk_token, bench)}"}
    found = [{"kind": "search", "method": "GET", "path": f"/v1/helpdesk/search?{urlencode({'q': q})}",
              "key": f"search-{i}", "headers": auth} for i, q in enumerate(typed)]
    mine, base = await against_bare(bench, found, bench.args.search_concurrency)
    keys = [tuple(r) for r in await bench.pool.fetch(
        "SELECT account_id, kind, id FROM search_entries TABLESAMPLE SYSTEM (1) LIMIT $1", len(typed))]
    sql = latency(await bench_search.one_by_one(bench.pool, lambda conn, q: search_read_model(conn, None, q, None),
                                                typed))
    pk = latency(await bench_search.one_by_one(bench.pool, pk_read, keys))
    ours, theirs = latency([s[3] for s in ok(mine["samples"])]), latency([s[3] for s in ok(base["samples"])])
    return [p99_row(f"help-desk search: {accounts:,} accounts, {clients:,} clients, "
                    f"{bench.args.search_concurrency} clients searching", ours, theirs, mine["cores"],
                    queries=len(typed), statuses=statuses(mine["samples"]),
                    requests_per_second=rate(ok(mine["samples"])), sql_alone_one_at_a_time=sql,
                    pk_read_alone_one_at_a_time=pk)]
