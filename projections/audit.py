"""The audit trail read model: every event of an account as one readable, hash-chained entry, its queries,
and the chain check that recomputes the hashes from the event store."""

import asyncio
import json
import re
from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec

from domain.actor import Actor
from domain.chain import GENESIS, canonical, link, published
from domain.contract import EVENT_TYPES, PortalEvent, to_public
from domain.contract.customers import AccountDeleted
from domain.history import account_log, differences
from domain.personal import PERSONAL, erased
from projections.fold import Fold
from projections.erasure import Deleted
from projections.readmodel import ReadModel, storable_json

AUDIT = ReadModel("audit_trail", tables=("audit_trail",))

SUMMARIES = {  # a readable line per event type; any other type gets its name in words
    "AccountOpened": "Account opened for {email}",
    "AccountContactChanged": "Contact details changed",
    "AccountPaymentMethodChanged": "Payment method set to {brand} ending {last4}",
    "LicenseIssued": "{product} license issued",
    "LicenseUpgraded": "License upgraded to {product}",
    "LicenseKeyReset": "License key reset",
    "LicenseCancelled": "License contract cancelled",
    "LicenseNamespaceAssigned": "Namespace {namespace} assigned",
    "ValueClaimed": "Claimed {kind}",
    "AnyDeskCredentialIssued": "AnyDesk API license id {license_id} issued",
    "AnyDeskApiPasswordSet": "AnyDesk API password set",  # never the password itself
    "ImpersonationStarted": "Accessed by support: {reason}",
    "ImpersonationEnded": "Support access ended by the {by}",
    "SupportRequestOpened": "Support request {number} opened ({category})",
    "SupportCustomerWrote": "Wrote to support",
    "SupportStaffAnswered": "Support answered; the request is {status}",
    "SupportStatusChanged": "Support request {status}, by the {by}",
    "SupportNumberTaken": "Support request number {sequence} taken",
    "StaffViewed": "The help desk opened the {view} view",
    "VerificationCodeSent": "Verification code e-mailed to a user",
    "ReadOnlySessionStarted": "Read-only session by the help desk: {reason}",
    "ReadOnlySessionEnded": "Read-only session ended by the {by}",
    "LicenseRenewed": "License renewed",
    "InvoiceIssued": "Invoice {number} issued ({cause})",
    "InvoicePaid": "Invoice {number} paid",
    "InvoicePaymentFailed": "Payment of invoice {number} failed ({failure})",
    "InvoiceUncollectible": "Invoice {number} is uncollectible",
    "InvoiceVoided": "Invoice {number} voided",
}
_COMMON = frozenset(PortalEvent.__struct_fields__)


def summary(event_type: str, body: dict[str, Any]) -> str:
    template = SUMMARIES.get(event_type) or re.sub(r"(?<!^)(?=[A-Z])", " ", event_type).capitalize()
    return template.format_map(defaultdict(str, body))


@AUDIT.on(AccountDeleted, Deleted)
async def _erase(conn: Fold, e: Deleted, position: int) -> None:
    """A deleted account keeps its trail, erased: its chain covers the sealed events, so it still verifies.
    Each entry then reads as it would once the key is gone, which is what a rebuild finds."""
    rows = await conn.fetch("SELECT position, event_type, body FROM audit_trail WHERE account_id = $1",
                            e.account_id)
    changes = []
    for row in rows:
        struct, body = EVENT_TYPES[row["event_type"]], json.loads(row["body"])
        for f in msgspec.structs.fields(struct):  # left out for holding its default, yet sealed all the same
            if f.name in PERSONAL and f.name not in body and f.default not in (None, msgspec.NODEFAULT):
                body[f.name] = f.default
        shown = msgspec.json.decode(msgspec.json.encode(erased(body)), type=struct)
        text, actor_name, content, _ = _columns(row["event_type"], shown)
        changes.append((e.account_id, row["position"], text, actor_name, content))
    await conn.executemany("""UPDATE audit_trail SET summary = $3, actor_name = $4, body = $5::jsonb
                              WHERE account_id = $1 AND position = $2""", changes)


def _columns(event_type: str, shown: PortalEvent) -> tuple[str, str, str, Actor]:
    """What an entry shows of an event: (summary, actor's name, body as JSON, actor)."""
    content = canonical(shown)
    actor = shown.actor or Actor(kind="unknown", name="")
    return summary(event_type, content), actor.name, msgspec.json.encode(content).decode(), actor


@AUDIT.every
async def _record(conn: Fold, event_type: str, body: bytes, opened: bytes, position: int) -> None:
    # The chain hashes the event as published (personal fields sealed, U+0000 included), so `verify_chain`
    # recomputes it from the store alone, also once a deleted account's key is gone; the columns get the opened,
    # storable form.
    if event_type == AccountDeleted.__name__:  # its key is about to go: shown as a rebuild will find it
        opened = msgspec.json.encode(erased(msgspec.json.decode(opened)))
    shown = msgspec.json.decode(storable_json(opened), type=EVENT_TYPES[event_type])
    head = ("audit_head", shown.account_id)  # the account's last hash, as this batch has left it
    previous = conn.memo.get(head)
    if previous is None:  # no entry of this account folded yet (the memo goes with every flush): the table has it
        previous = await conn.conn.fetchval("SELECT hash FROM audit_trail WHERE account_id = $1 "
                                            "ORDER BY position DESC LIMIT 1", shown.account_id) or GENESIS
    text, actor_name, content, actor = _columns(event_type, shown)
    as_published = published(EVENT_TYPES[event_type], msgspec.json.decode(body))
    conn.memo[head] = link(previous, position, event_type, as_published)
    await conn.rows("audit_trail").append(
        {"account_id": shown.account_id, "position": position}, occurred_at=shown.occurred_at,
        event_type=event_type, aggregate=shown.aggregate, aggregate_id=shown.aggregate_id, summary=text,
        actor_kind=actor.kind, actor_name=actor_name, request_id=actor.request_id, body=content,
        hash=conn.memo[head])


# -- queries ---------------------------------------------------------------------------------------------

class AuditFilter(msgspec.Struct, kw_only=True):
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None  # the actor's name: an e-mail, a client id, a worker role
    kind: str | None = None  # the event type, e.g. LicenseUpgraded
    aggregate: str | None = None  # account, license, claim, …
    request_id: str | None = None


class AuditEntry(msgspec.Struct, kw_only=True):
    position: int
    occurred_at: datetime
    kind: str
    aggregate: str
    aggregate_id: UUID
    summary: str
    actor: Actor | None
    details: dict[str, Any]
    hash: str


class AuditPage(msgspec.Struct, kw_only=True):
    entries: list[AuditEntry]
    next_after: int | None  # pass as `after` for the next page; null on the last page


_COLUMNS = {"actor": "actor_name", "kind": "event_type", "aggregate": "aggregate", "request_id": "request_id"}


def _where(account_id: UUID, f: AuditFilter, after: int) -> tuple[str, list[Any]]:
    clauses, args = ["account_id = $1", "position > $2"], [account_id, after]
    for name, column in _COLUMNS.items():  # column names come from this module, never from input
        if getattr(f, name) is not None:
            args.append(getattr(f, name))
            clauses.append(f"{column} = ${len(args)}")
    for value, op in ((f.since, ">="), (f.until, "<")):
        if value is not None:
            args.append(value)
            clauses.append(f"occurred_at {op} ${len(args)}")
    return " AND ".join(clauses), args


def _entry(row: asyncpg.Record) -> AuditEntry:
    body = json.loads(row["body"])
    return AuditEntry(position=row["position"], occurred_at=row["occurred_at"], kind=row["event_type"],
                      aggregate=row["aggregate"], aggregate_id=row["aggregate_id"], summary=row["summary"],
                      actor=msgspec.convert(body["actor"], Actor) if body.get("actor") else None,
                      details={k: v for k, v in body.items() if k not in _COMMON}, hash=row["hash"])


async def audit_page(pool: asyncpg.Pool, account_id: UUID, f: AuditFilter, after: int, limit: int) -> AuditPage:
    where, args = _where(account_id, f, after)
    rows = await pool.fetch(f"SELECT * FROM audit_trail WHERE {where} ORDER BY position LIMIT {limit + 1}", *args)
    entries = [_entry(r) for r in rows[:limit]]
    return AuditPage(entries=entries, next_after=entries[-1].position if len(rows) > limit else None)


def every_audit_entry(account_id: UUID, f: AuditFilter) -> tuple[str, list[Any]]:
    """Every matching entry in order, as one query and its arguments (for a COPY of any length)."""
    where, args = _where(account_id, f, 0)
    return f"SELECT * FROM audit_trail WHERE {where} ORDER BY position", args


# -- the chain check -------------------------------------------------------------------------------------

class ChainBreak(msgspec.Struct, kw_only=True):
    position: int
    kind: str | None
    problem: str
    fields: list[str]  # the fields whose stored event no longer matches what the audit trail recorded


class ChainReport(msgspec.Struct, kw_only=True):
    account_id: UUID
    intact: bool
    checked: int  # entries recomputed from the event store
    up_to: int  # the audit trail's position: later events are not yet in the trail
    head: str  # the last hash recomputed
    first_break: ChainBreak | None


async def verify_chain(pool: asyncpg.Pool, app: Any, account_id: UUID) -> ChainReport:
    """Recompute the account's chain from the event store and compare it with the recorded hashes."""
    up_to = await pool.fetchval("SELECT position FROM projection_positions WHERE projection = $1", AUDIT.name) or 0
    rows = await pool.fetch("SELECT position, event_type, body, hash FROM audit_trail "
                            "WHERE account_id = $1 AND position <= $2", account_id, up_to)
    recorded = {r["position"]: r for r in rows}
    log = await asyncio.to_thread(lambda: [(p, to_public(e)) for p, e in account_log(
        app, account_id, up_to, read=app.mapper.to_published_event)])
    head, checked, found = GENESIS, 0, None
    for position, event in log:
        body = msgspec.json.encode(event)
        row, head = recorded.pop(position, None), link(head, position, type(event).__name__,
                                                       published(type(event), json.loads(body)))
        if row is None:
            found = ChainBreak(position=position, kind=type(event).__name__, fields=[],
                               problem="the event store holds an event the audit trail never recorded")
        elif row["hash"] != head:
            async with pool.acquire() as conn:
                opened = await app.mapper.stream_keys.open(conn, body)
            stored = canonical(msgspec.json.decode(storable_json(opened), type=type(event)))
            changed = differences(json.loads(row["body"]), stored)
            found = ChainBreak(position=position, kind=row["event_type"], fields=[c.field for c in changed],
                               problem="the stored event no longer matches its recorded hash")
        if found:
            break
        checked += 1
    if found is None and recorded:
        position = min(recorded)
        found = ChainBreak(position=position, kind=recorded[position]["event_type"], fields=[],
                           problem="the audit trail records an event missing from the event store")
    return ChainReport(account_id=account_id, intact=found is None, checked=checked, up_to=up_to, head=head,
                       first_break=found)
