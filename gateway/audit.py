"""Audit: the account's audit trail (filters, pages, CSV), its hash-chain check, and its history replayed
from the event store: events in order, the state as of a time or position, and the diff of two states."""

from collections.abc import Sequence
from typing import Annotated, Any
from uuid import UUID

import asyncpg
import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Stream

from domain.application import Portal
from domain.chain import canonical
from domain.contract import to_public
from domain.errors import NotFound
from domain.history import AccountState, AsOf, Change, account_log, diff, parse_as_of, state_as_of
from domain.i18n import N_, Phrase
from gateway.consistency import MinPosition, off_loop, reach
from gateway.csv_export import export, exported
from gateway.fields import MAX_INT64, ZONE_RULE, After, MomentText, Plain, given, moment
from gateway.identity import Caller, anyone, owner
from gateway.problems import Problem
from projections.audit import AUDIT, AuditEntry, AuditFilter, AuditPage, ChainReport, every_audit_entry, audit_page, \
    verify_chain

CSV_HEADER = ("position", "occurred_at", "kind", "aggregate", "aggregate_id", "summary", "actor_kind",
              "actor_name", "actor_role", "on_behalf_of", "address", "user_agent", "request_id", "hash")
Limit = Parameter(ge=1, le=500, description="Entries per page")
Filter = Annotated[str | None, Plain]


class HistoryEntry(msgspec.Struct, kw_only=True):
    position: int
    kind: str
    event: dict[str, Any]  # the public contract struct (secrets as fingerprints)


class StateDiff(msgspec.Struct, kw_only=True):
    before: AccountState
    after: AccountState
    changes: list[Change]


AUDITING_ROLES = ("auditor", "administrator")


def may_audit(caller: Caller, account_id: UUID) -> bool:
    """Who may read an account's history: auditors and administrators any account's, an owner their own."""
    return caller.platform_role in AUDITING_ROLES or (caller.role == "owner" and caller.account_id == account_id)


def audited(caller: Caller, account_id: UUID) -> UUID:
    if not may_audit(caller, account_id):
        raise NotFound(N_("No such account"))  # another account's id: never say it exists
    return account_id


def as_of(text: str, field: str) -> AsOf:
    try:
        parsed: AsOf | None = parse_as_of(text)
    except ValueError:
        parsed = None
    if parsed is None or isinstance(parsed, int) and parsed > MAX_INT64:
        raise Problem(422, "validation", N_("{field}: a position (digits) or {rule}"), field=field,
                      rule=Phrase(ZONE_RULE))
    return parsed


async def audit_filter(caller: Caller, since: MomentText = None, until: MomentText = None, actor: Filter = None,
                       kind: Filter = None, aggregate: Filter = None, request_id: Filter = None) -> AuditFilter:
    # `caller` is only asked for so that the credentials are checked before these filters.
    return AuditFilter(since=moment(since, "since"), until=moment(until, "until"), actor=actor, kind=kind,
                       aggregate=aggregate, request_id=request_id)


def csv_row(e: AuditEntry) -> Sequence[Any]:
    a = e.actor
    return (e.position, e.occurred_at, e.kind, e.aggregate, e.aggregate_id, e.summary,
            a and a.kind, a and a.name, a and a.role, a and a.on_behalf_of, a and a.address, a and a.user_agent,
            a and a.request_id, e.hash)


# csv_row in SQL, over the audit_trail table, for COPY
CSV_COLUMNS = ("position, occurred_at, event_type, aggregate, aggregate_id, summary, "
               + ", ".join(f"body->'actor'->>'{name}'" for name in ("kind", "name", "role", "on_behalf_of", "address",
                                                                    "user_agent", "request_id"))
               + ", hash")


class AuditController(Controller):
    path = "/v1"
    tags = ["audit"]
    dependencies = {"caller": Provide(anyone), "filters": Provide(audit_filter)}

    @get("/audit", summary="The audit trail: every event of the account, oldest first, a page at a time",
         dependencies={"caller": Provide(owner)})
    async def trail(self, caller: Caller, state: State, pool: asyncpg.Pool, filters: AuditFilter,
                    after: Annotated[int, After] = 0, limit: Annotated[int, Limit] = 100,
                    min_position: Annotated[int | None, MinPosition] = None) -> AuditPage:
        await reach(state, AUDIT.name, min_position)
        return await audit_page(pool, caller.account_id, filters, after, limit)

    @get("/audit/export", summary="The audit trail as CSV (same filters), streamed",
         dependencies={"caller": Provide(owner)})
    async def export(self, caller: Caller, state: State, pool: asyncpg.Pool, filters: AuditFilter,
                     min_position: Annotated[int | None, MinPosition] = None) -> Stream:
        await reach(state, AUDIT.name, min_position)
        return await export(pool, caller.account_id, "audit.csv", CSV_HEADER, csv_row,
                            every=exported(CSV_COLUMNS, *every_audit_entry(caller.account_id, filters)))

    @get("/audit/verify", summary="Recompute the audit hash chain from the event store; the first break",
         dependencies={"caller": Provide(owner)})
    async def verify(self, caller: Caller, portal: Portal, pool: asyncpg.Pool) -> ChainReport:
        return await verify_chain(pool, portal, caller.account_id)

    @get("/accounts/{account_id:uuid}/history", summary="The account's events from the event store, in order")
    async def history(self, caller: Caller, portal: Portal, account_id: UUID,
                      after: Annotated[int, After] = 0, limit: Annotated[int, Limit] = 100) -> list[HistoryEntry]:
        audited(caller, account_id)

        def read() -> list[HistoryEntry]:  # an event-store read by nature
            entries = []
            for position, event in account_log(portal, account_id, start=after + 1):
                public = to_public(event)
                entries.append(HistoryEntry(position=position, kind=type(public).__name__,
                                            event=canonical(public)))
                if len(entries) == limit:
                    break
            return entries
        return await off_loop(read)

    @get("/accounts/{account_id:uuid}/state", summary="The account as it stood at a time or position")
    async def replay(self, caller: Caller, portal: Portal, account_id: UUID,
                          as_of_: Annotated[str | None, Parameter(query="as_of")] = None) -> AccountState:
        moment = as_of(as_of_, "as_of") if as_of_ else await off_loop(portal.current_position)
        return await off_loop(state_as_of, portal, audited(caller, account_id), moment)

    @get("/accounts/{account_id:uuid}/diff", summary="What changed in the account between two moments")
    async def compare(self, caller: Caller, portal: Portal, account_id: UUID,
                      from_: Annotated[str | None, Parameter(query="from")] = None,
                      to: Annotated[str | None, Parameter(query="to")] = None) -> StateDiff:
        moments = as_of(given(from_, "from"), "from"), as_of(given(to, "to"), "to")
        if type(moments[0]) is type(moments[1]) and moments[0] > moments[1]:  # type: ignore[operator]
            raise Problem(422, "validation", N_("{field}: must not be after to"), field="from")
        before, after = [await off_loop(state_as_of, portal, audited(caller, account_id), m) for m in moments]
        return StateDiff(before=before, after=after, changes=diff(before, after))
