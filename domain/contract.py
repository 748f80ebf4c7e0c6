"""The public event contract: what internal services receive on NATS.

One msgspec struct per event type. A struct changes only by adding fields with defaults; a breaking change
is a new struct with a new version. Private state (password hashes) never enters the contract.
"""

from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

import msgspec

from domain.account import Account
from domain.actor import Actor
from domain.claim import Claim
from domain.license import License

STREAM = "PORTAL_EVENTS"
SUBJECT_PREFIX = "portal.evt"


class PortalEvent(msgspec.Struct, kw_only=True):
    version: ClassVar[int] = 1
    aggregate: ClassVar[str]
    account_id: UUID
    aggregate_id: UUID
    aggregate_version: int
    occurred_at: datetime
    actor: Actor | None = None


class AccountOpened(PortalEvent):
    aggregate = "account"
    customer_number: str
    email: str
    name: str


class AccountContactChanged(PortalEvent):
    aggregate = "account"
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str


class AccountPaymentMethodChanged(PortalEvent):
    aggregate = "account"
    kind: str
    brand: str
    last4: str
    expiry_month: int | None
    expiry_year: int | None
    holder: str


class LicenseIssued(PortalEvent):
    aggregate = "license"
    product: str
    key: str
    expires_at: datetime | None


class LicenseUpgraded(PortalEvent):
    aggregate = "license"
    product: str
    expires_at: datetime


class LicenseKeyReset(PortalEvent):
    aggregate = "license"
    key: str


class LicenseCancelled(PortalEvent):
    aggregate = "license"
    cancelled_at: datetime


class LicenseNamespaceAssigned(PortalEvent):
    aggregate = "license"
    namespace: str


class ValueClaimed(PortalEvent):
    aggregate = "claim"
    kind: str
    value: str


CONTRACT: dict[type, type[PortalEvent]] = {
    Account.Opened: AccountOpened,
    Account.ContactChanged: AccountContactChanged,
    Account.PaymentMethodChanged: AccountPaymentMethodChanged,
    License.Issued: LicenseIssued,
    License.Upgraded: LicenseUpgraded,
    License.KeyReset: LicenseKeyReset,
    License.Cancelled: LicenseCancelled,
    License.NamespaceAssigned: LicenseNamespaceAssigned,
    Claim.Claimed: ValueClaimed,
}

EVENT_TYPES: dict[str, type[PortalEvent]] = {t.__name__: t for t in CONTRACT.values()}


def to_public(domain_event: Any) -> PortalEvent:
    """The contract struct for a stored domain event (KeyError for an event type without a contract)."""
    struct = CONTRACT[type(domain_event)]
    own = {f: getattr(domain_event, f) for f in struct.__struct_fields__ if f not in _COMMON}
    actor = msgspec.convert(domain_event.actor, Actor) if domain_event.actor else None
    return struct(account_id=domain_event.account_id, aggregate_id=domain_event.originator_id,
                  aggregate_version=domain_event.originator_version,
                  occurred_at=domain_event.timestamp, actor=actor, **own)


def subject(event: PortalEvent) -> str:
    return f"{SUBJECT_PREFIX}.{event.account_id}.{event.aggregate}.{type(event).__name__}"


_COMMON = frozenset(PortalEvent.__struct_fields__)
