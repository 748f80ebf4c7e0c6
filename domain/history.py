"""An account's history from the event store: its events in order, and its state replayed as of a moment.

Replay folds the stored domain events into the very aggregates the commands use, so the state shown is
the state the rules saw then. Secrets never leave: a license key is shown only as a fingerprint.
"""

import hashlib
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.application import Application

from domain.account import Account
from domain.catalog import PRODUCTS, Product
from domain.claim import Claim
from domain.license import License

PAGE = 500
SECRET_CLAIMS = frozenset({"license_key"})  # claim kinds whose value is a credential
FINGERPRINT_PREFIX = "sha256:"

AsOf = int | datetime  # a position (notification id) or a timezone-aware time


class LicenseState(msgspec.Struct, kw_only=True):
    product: str
    limits: Product
    key_fingerprint: str
    expires_at: datetime | None
    cancelled_at: datetime | None
    namespace: str | None


class AggregateView(msgspec.Struct, kw_only=True):
    type: str
    id: UUID
    version: int


class AccountState(msgspec.Struct, kw_only=True):
    account_id: UUID
    position: int  # the last event included
    occurred_at: datetime | None
    events: int
    email: str | None = None
    customer_number: str | None = None
    contact: dict[str, str] | None = None
    payment_method: dict[str, Any] | None = None
    license: LicenseState | None = None
    claims: list[str] = msgspec.field(default_factory=list)  # "kind:value": e-mail, number, namespace
    others: list[AggregateView] = msgspec.field(default_factory=list)  # clients, sessions, …


class Change(msgspec.Struct, kw_only=True):
    field: str
    before: Any
    after: Any


def fingerprint(secret: str) -> str:
    return FINGERPRINT_PREFIX + hashlib.sha256(secret.encode()).hexdigest()[:16]


def redacted(body: dict[str, Any]) -> dict[str, Any]:
    """An event's fields with every credential as its fingerprint: a license key becomes `key_fingerprint`,
    a claimed license key's `value` its fingerprint. Idempotent, so it also fixes what was stored or published
    before the contract carried only fingerprints (old audit rows, old stream messages)."""
    shown = dict(body)
    if isinstance(shown.get("key"), str):
        shown["key_fingerprint"] = fingerprint(shown.pop("key"))
    value = shown.get("value")
    if shown.get("kind") in SECRET_CLAIMS and isinstance(value, str) and not value.startswith(FINGERPRINT_PREFIX):
        shown["value"] = fingerprint(value)
    return shown


def parse_as_of(text: str) -> AsOf:
    """A position (digits) or an ISO 8601 time with a zone; ValueError otherwise."""
    if text.isdigit():
        return int(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time needs its zone, e.g. 2025-01-31T12:00:00Z")
    return moment


def account_log(app: Application, account_id: UUID, stop: int | None = None,
                progress: Callable[[int], None] | None = None, start: int = 1,
                read: Callable[[Any], Any] | None = None) -> Iterator[tuple[int, Any]]:
    """(position, domain event) of every event of the account, in order, from `start` up to `stop`; `read`
    turns a stored event into its domain event (the mapper's, opening personal fields, unless given).

    Events are stored per aggregate, and an account's aggregates include claims keyed by value, so the
    notification log is the one complete, ordered index of an account's events: read it page by page.
    """
    stop = stop if stop is not None else app.recorder.max_notification_id() or 0
    while start <= stop:
        page = app.recorder.select_notifications(start, PAGE, stop)
        if not page:
            break
        for n in page:
            event = (read or app.mapper.to_domain_event)(n)
            if getattr(event, "account_id", None) == account_id:
                yield n.id, event
        start = page[-1].id + 1
        if progress:
            progress(len(page))


def state_as_of(app: Application, account_id: UUID, as_of: AsOf,
                progress: Callable[[int], None] | None = None) -> AccountState:
    stop = as_of if isinstance(as_of, int) else None
    aggregates: dict[UUID, Any] = {}
    position, occurred_at, count = 0, None, 0
    for position_, event in account_log(app, account_id, stop, progress):
        if isinstance(as_of, datetime) and event.timestamp > as_of:
            continue
        aggregates[event.originator_id] = event.mutate(aggregates.get(event.originator_id))
        position, occurred_at, count = position_, event.timestamp, count + 1
    state = AccountState(account_id=account_id, position=position, occurred_at=occurred_at, events=count)
    for aggregate in aggregates.values():
        describe(state, aggregate)
    return state


def describe(state: AccountState, aggregate: Any) -> None:
    """Add one replayed aggregate to the state (never a password hash or a key)."""
    if isinstance(aggregate, Account):
        state.email, state.customer_number = aggregate.email, aggregate.customer_number
        state.contact, state.payment_method = dict(aggregate.contact), aggregate.payment_method
    elif isinstance(aggregate, License):
        state.license = LicenseState(
            product=aggregate.product, limits=PRODUCTS[aggregate.product],
            key_fingerprint=fingerprint(aggregate.key), expires_at=aggregate.expires_at,
            cancelled_at=aggregate.cancelled_at, namespace=aggregate.namespace)
    elif isinstance(aggregate, Claim):
        value = redacted({"kind": aggregate.kind, "value": aggregate.value})["value"]
        state.claims = sorted([*state.claims, f"{aggregate.kind}:{value}"])
    else:
        state.others.append(AggregateView(type=type(aggregate).__name__, id=aggregate.id,
                                          version=aggregate.version))


def differences(before: Any, after: Any, prefix: str = "") -> list[Change]:
    """Field-by-field changes between two JSON-like values (dotted paths for nested fields)."""
    if isinstance(before, dict) and isinstance(after, dict):
        return [change for key in sorted(before.keys() | after.keys())
                for change in differences(before.get(key), after.get(key), f"{prefix}{key}.")]
    if before == after:
        return []
    return [Change(field=prefix.rstrip("."), before=before, after=after)]


def diff(before: AccountState, after: AccountState) -> list[Change]:
    ignored = {"position", "occurred_at", "events"}
    return [c for c in differences(msgspec.to_builtins(before), msgspec.to_builtins(after))
            if c.field not in ignored]
