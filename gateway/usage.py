"""Usage: per day or month of the account's time zone, the peak of concurrent sessions and when it happened,
sessions, their minutes, active clients and seat-days, exact from the event history; and as CSV."""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import asyncpg
import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream

from domain.i18n import N_
from gateway.consistency import MinPosition, reach
from gateway.csv_export import export, listed
from gateway.fields import given
from gateway.identity import Caller, customer
from gateway.problems import Problem
from projections.preferences import preferences
from projections.usage import FIGURES, USAGE, UsageItem, usage

From = Annotated[str | None, Parameter(query="from", max_length=10, description="The first day, e.g. 2026-11-01")]
To = Annotated[str | None, Parameter(max_length=10, description="The last day (included), e.g. 2026-11-30")]
Granularity = Literal["day", "month"]
MAX_PERIODS = 400  # a year and a month of days, or 33 years of months


class UsageList(msgspec.Struct, kw_only=True):
    items: list[UsageItem]


class UsageQuery(msgspec.Struct, frozen=True, kw_only=True):
    first: date
    last: date
    granularity: str


def day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Problem(422, "validation", N_("{field}: a date such as 2026-11-01"), field=field) from None


async def usage_query(caller: Caller, from_: From = None, to: To = None,
                      granularity: Granularity = "day") -> UsageQuery:
    # `caller` is asked for first, so the credentials are checked before these parameters.
    first, last = day(given(from_, "from"), "from"), day(given(to, "to"), "to")
    if first > last:
        raise Problem(422, "validation", N_("from: must not be after to"), field="from")
    periods = (last - first).days + 1 if granularity == "day" else \
        (last.year - first.year) * 12 + last.month - first.month + 1
    if periods > MAX_PERIODS:
        raise Problem(422, "validation", N_("to: at most {most} periods at once"), field="to", most=MAX_PERIODS)
    return UsageQuery(first=first, last=last, granularity=granularity)


async def figures(pool: asyncpg.Pool, caller: Caller, listing: UsageQuery) -> list[UsageItem]:
    zone = ZoneInfo((await preferences(pool, caller.account_id)).time_zone)
    return await usage(pool, caller.account_id, listing.first, listing.last, listing.granularity, zone,
                       datetime.now(UTC))


CSV_HEADER = (N_("Period"), N_("Peak concurrent sessions"), N_("Peak at"), N_("Sessions"), N_("Session minutes"),
              N_("Active clients"), N_("Seat-days"))


def csv_cells(u: UsageItem) -> tuple[Any, ...]:
    return (u.period, u.peak_concurrent_sessions, u.peak_at, u.sessions, u.session_minutes, u.active_clients,
            u.seat_days)


class UsageController(Controller):
    path = "/v1"
    tags = ["usage"]
    dependencies = {"caller": Provide(customer), "listing": Provide(usage_query)}

    @get("/usage", summary="Usage per day or month, exact from the event history", description=FIGURES)
    async def show(self, caller: Caller, listing: UsageQuery, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> UsageList:
        await reach(state, USAGE.name, min_position)
        return UsageList(items=await figures(pool, caller, listing))

    @get("/usage.csv", summary="Usage per day or month as CSV", description=FIGURES, media_type="text/csv")
    async def export_usage(self, caller: Caller, listing: UsageQuery, state: State, pool: asyncpg.Pool,
                           min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await reach(state, USAGE.name, min_position)
        items = await figures(pool, caller, listing)
        return await export(pool, caller.account_id, "usage.csv", CSV_HEADER, csv_cells,
                            every=lambda: listed(items))
