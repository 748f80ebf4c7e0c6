"""Liveness, readiness and metrics for supervisors and dashboards. /health and /ready are public; /metrics
answers only the scraper holding PORTAL_METRICS_TOKEN (and is off without it): it names every route's traffic."""

import hmac

import asyncpg
import msgspec
from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import off_loop
from gateway.problems import Problem
from projections.positions import READ_MODELS, Stall, stalls


class Readiness(msgspec.Struct, kw_only=True):
    ready: bool
    database: bool
    nats: bool
    event_store_position: int | None
    relay_position: int | None
    projections: dict[str, int]
    stalled: dict[str, int]  # read models stopped before an event they cannot apply: its position
    reasons: list[str]


async def scraper(request: Request, state: State) -> None:
    token = state.settings.metrics_token
    if not token:
        raise Problem(404, "not-found", N_("Metrics are off; set PORTAL_METRICS_TOKEN to scrape them"))
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise Problem(401, "unauthenticated", N_("Send the scrape token: `Authorization: Bearer <PORTAL_METRICS_TOKEN>`"),
                      headers={"WWW-Authenticate": "Bearer"})


class HealthController(Controller):
    tags = ["health"]

    @get("/health", summary="The process is alive")
    async def health(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", summary="Database and NATS reachable, projections no more than a bound behind, none stalled")
    async def ready(self, state: State, portal: Portal, pool: asyncpg.Pool) -> Response[Readiness]:
        reasons: list[str] = []
        head = relay = None
        projections: dict[str, int] = {}
        stalled: dict[str, Stall] = {}
        try:
            head = await off_loop(portal.current_position)
            relay = await pool.fetchval("SELECT position FROM relay_position")
            rows = await pool.fetch("SELECT projection, position FROM projection_positions")
            projections = {r["projection"]: r["position"] for r in rows}
            stalled = await stalls(pool)
        except Exception as exc:  # readiness reports the failure instead of raising it
            reasons.append(f"database: {exc.__class__.__name__}")
        reasons += [f"projection {stall.describe()}" for stall in stalled.values()]
        nats_ok = state.nats.is_connected
        if not nats_ok:
            reasons.append("nats: not connected")
        if head is not None:
            for model in READ_MODELS:
                lag = head - projections.get(model.name, 0)
                if lag > state.settings.ready_max_lag:
                    reasons.append(f"projection {model.name} is {lag} events behind")
        body = Readiness(ready=not reasons, database=head is not None, nats=nats_ok, event_store_position=head,
                         relay_position=relay, projections=projections,
                         stalled={name: stall.position for name, stall in stalled.items()}, reasons=reasons)
        return Response(body, status_code=200 if not reasons else 503)

    @get("/metrics", summary="Prometheus metrics (with the scrape token)", media_type="text/plain; version=0.0.4",
         dependencies={"scrape": Provide(scraper)})
    async def metrics(self, state: State, pool: asyncpg.Pool, scrape: None) -> str:
        return state.metrics.render() + stall_metrics(await stalls(pool))


def stall_metrics(stalled: dict[str, Stall]) -> str:
    """Per read model: stalled (1) or not (0), and the position of the event a stalled one cannot apply."""
    lines = ["# TYPE portal_projection_stalled gauge"]
    lines += [f'portal_projection_stalled{{projection="{m.name}"}} {int(m.name in stalled)}' for m in READ_MODELS]
    lines.append("# TYPE portal_projection_stalled_position gauge")
    lines += [f'portal_projection_stalled_position{{projection="{name}"}} {stall.position}'
              for name, stall in sorted(stalled.items())]
    return "\n".join(lines) + "\n"


class Metrics:
    """Request counts and latency sums by route and status, in Prometheus text format."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = {}
        self.seconds: dict[tuple[str, str, int], float] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        self.requests[key] = self.requests.get(key, 0) + 1
        self.seconds[key] = self.seconds.get(key, 0.0) + seconds

    def render(self) -> str:
        lines = ["# TYPE portal_http_requests_total counter",
                 "# TYPE portal_http_request_seconds_sum counter"]
        for (method, route, status), count in sorted(self.requests.items()):
            labels = f'method="{method}",route="{route}",status="{status}"'
            lines.append(f"portal_http_requests_total{{{labels}}} {count}")
            lines.append(f"portal_http_request_seconds_sum{{{labels}}} {self.seconds[(method, route, status)]:.6f}")
        return "\n".join(lines) + "\n"
