"""The baselines served over HTTP: a bare Litestar handler answering the very JSON the gateway answered, read with
one asyncpg primary-key lookup (queries); the same heartbeat request answered without the database; and a hello
(`/health`), the load generator's ceiling. Served like the gateway (uvicorn, one process, no access log).

    PORTAL_DATABASE_URL=… python -m bench.bare --port N
"""

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
import uvicorn
from litestar import Litestar, Response, get, post
from litestar.datastructures import State
from litestar.params import Parameter

from gateway.device import Heartbeat

TABLE = "bench_pages"  # key text PRIMARY KEY, body bytea: filled by the benchmark from the gateway's answers


@get("/bare/{key:str}")
async def page(key: str, state: State) -> Response[bytes]:
    body = await state.pool.fetchval(f"SELECT body FROM {TABLE} WHERE key = $1", key)
    return Response(body, media_type="application/json")


@get("/health")
async def health() -> dict[str, str]:
    """The hello: what a generator can drive at most, against a handler that does nothing."""
    return {"status": "ok"}


@post("/v1/device/heartbeat", status_code=200)
async def heartbeat(data: Heartbeat, license_key: Annotated[str, Parameter(header="X-License-Key")]) -> Response[bytes]:
    """The heartbeats' baseline: the same request decoded and checked the same way, answered without the database."""
    return Response(b'{"position":null}', media_type="application/json")


def create_app(database_url: str) -> Litestar:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(database_url, min_size=2, max_size=20)
        try:
            yield
        finally:
            await app.state.pool.close()

    return Litestar(route_handlers=[page, health, heartbeat], lifespan=[lifespan], logging_config=None)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(create_app(os.environ["PORTAL_DATABASE_URL"]), host="127.0.0.1", port=args.port, log_config=None,
                access_log=False)
