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
from domain.client import Client
from domain.email import Email
from domain.license import License
from domain.license_usage import LicenseUsage
from domain.session import Session
from domain.suppression import Suppression
from domain.user import User

STREAM = "PORTAL_EVENTS"
SUBJECT_PREFIX = "portal.evt"


class PortalEvent(msgspec.Struct, kw_only=True):
    SCHEMA_VERSION: ClassVar[int] = 1  # upper case: it can never collide with an event's own fields
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
    reseller_id: UUID | None = None


class AccountDisabledChanged(PortalEvent):
    aggregate = "account"
    disabled: bool


class AccountApiAccessChanged(PortalEvent):
    aggregate = "account"
    enabled: bool


class ApiKeyCreated(PortalEvent):
    aggregate = "account"
    key_id: str
    name: str
    scope: str
    prefix: str  # the key's first characters, to recognise it; the key itself is never recorded


class ApiKeyRevoked(PortalEvent):
    aggregate = "account"
    key_id: str


class UserRegistered(PortalEvent):
    aggregate = "user"
    email: str
    name: str
    account_role: str | None
    platform_role: str | None


class UserPasswordChanged(PortalEvent):
    aggregate = "user"


class UserDisabledChanged(PortalEvent):
    aggregate = "user"
    disabled: bool


class UserTwoFactorEnabled(PortalEvent):
    aggregate = "user"


class UserRecoveryCodeUsed(PortalEvent):
    aggregate = "user"


class UserTwoFactorDisabled(PortalEvent):
    aggregate = "user"


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


class AccountPreferencesChanged(PortalEvent):
    aggregate = "account"
    language: str
    time_zone: str
    csv_scope: str
    csv_date_format: str


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


class LicenseExpired(PortalEvent):
    aggregate = "license"
    expired_at: datetime


class LicenseUsageStarted(PortalEvent):
    aggregate = "license"


class ClientLinked(PortalEvent):
    aggregate = "client"
    client_id: str


class ClientUnlinked(PortalEvent):
    aggregate = "client"
    client_id: str


class ClientAliasChanged(PortalEvent):
    aggregate = "client"
    client_id: str
    alias: str | None


class SessionSlotTaken(PortalEvent):
    aggregate = "license"
    session_id: str
    from_client_id: str
    to_client_id: str


class SessionSlotFreed(PortalEvent):
    aggregate = "license"
    session_id: str


class ClientRegistered(PortalEvent):
    aggregate = "client"
    client_id: str
    version: str
    platform: str


class ClientSoftwareChanged(PortalEvent):
    aggregate = "client"
    client_id: str
    version: str
    platform: str


class ClientCameOnline(PortalEvent):
    aggregate = "client"
    client_id: str
    at: datetime


class ClientWentOffline(PortalEvent):
    aggregate = "client"
    client_id: str
    at: datetime


class ClientCommented(PortalEvent):
    aggregate = "client"
    client_id: str
    comment: str


class SessionStarted(PortalEvent):
    aggregate = "session"
    session_id: str
    from_client_id: str
    to_client_id: str
    started_at: datetime


class SessionEnded(PortalEvent):
    aggregate = "session"
    session_id: str
    ended_at: datetime
    reason: str  # "ended" by a client, "closed" from the portal, "timed_out" past the maximum duration


class SessionCommented(PortalEvent):
    aggregate = "session"
    session_id: str
    comment: str


class EmailQueued(PortalEvent):
    aggregate = "email"
    email_id: str
    to: str
    template: str
    language: str
    subject: str
    body: str  # secrets stay `{name}` placeholders; their values never enter the event store
    secret_params: list[str]
    queued_at: datetime


class EmailSent(PortalEvent):
    aggregate = "email"
    email_id: str
    at: datetime


class EmailBounced(PortalEvent):
    aggregate = "email"
    email_id: str
    reason: str
    at: datetime


class EmailSuppressed(PortalEvent):
    aggregate = "email"
    email_id: str
    at: datetime


class EmailFailed(PortalEvent):
    aggregate = "email"
    email_id: str
    reason: str
    at: datetime


class AddressSuppressed(PortalEvent):
    aggregate = "suppression"
    address: str
    reason: str


class SuppressionCleared(PortalEvent):
    aggregate = "suppression"
    address: str
    by: str


CONTRACT: dict[type, type[PortalEvent]] = {
    Account.Opened: AccountOpened,
    Account.ContactChanged: AccountContactChanged,
    Account.PaymentMethodChanged: AccountPaymentMethodChanged,
    Account.PreferencesChanged: AccountPreferencesChanged,
    Account.DisabledChanged: AccountDisabledChanged,
    Account.ApiAccessChanged: AccountApiAccessChanged,
    Account.ApiKeyCreated: ApiKeyCreated,
    Account.ApiKeyRevoked: ApiKeyRevoked,
    User.Registered: UserRegistered,
    User.PasswordChanged: UserPasswordChanged,
    User.DisabledChanged: UserDisabledChanged,
    User.TwoFactorEnabled: UserTwoFactorEnabled,
    User.RecoveryCodeUsed: UserRecoveryCodeUsed,
    User.TwoFactorDisabled: UserTwoFactorDisabled,
    License.Issued: LicenseIssued,
    License.Upgraded: LicenseUpgraded,
    License.KeyReset: LicenseKeyReset,
    License.Cancelled: LicenseCancelled,
    License.NamespaceAssigned: LicenseNamespaceAssigned,
    License.Expired: LicenseExpired,
    Claim.Claimed: ValueClaimed,
    LicenseUsage.Started: LicenseUsageStarted,
    LicenseUsage.ClientLinked: ClientLinked,
    LicenseUsage.ClientUnlinked: ClientUnlinked,
    LicenseUsage.AliasChanged: ClientAliasChanged,
    LicenseUsage.SessionAdmitted: SessionSlotTaken,
    LicenseUsage.SessionReleased: SessionSlotFreed,
    Client.Registered: ClientRegistered,
    Client.SoftwareChanged: ClientSoftwareChanged,
    Client.CameOnline: ClientCameOnline,
    Client.WentOffline: ClientWentOffline,
    Client.Commented: ClientCommented,
    Session.Started: SessionStarted,
    Session.Ended: SessionEnded,
    Session.Commented: SessionCommented,
    Email.Queued: EmailQueued,
    Email.Sent: EmailSent,
    Email.Bounced: EmailBounced,
    Email.Suppressed: EmailSuppressed,
    Email.Failed: EmailFailed,
    Suppression.Added: AddressSuppressed,
    Suppression.AddedAgain: AddressSuppressed,
    Suppression.Cleared: SuppressionCleared,
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


def schema_version(struct: type[PortalEvent]) -> int:
    return struct.SCHEMA_VERSION


def json_schema() -> dict[str, Any]:
    """The whole contract as JSON Schema: each event type with its version, NATS subject and headers."""
    types = sorted(EVENT_TYPES.values(), key=lambda t: t.__name__)
    _, components = msgspec.json.schema_components(types, ref_template="#/$defs/{name}")
    events = {t.__name__: {"version": schema_version(t), "aggregate": t.aggregate,
                           "subject": f"{SUBJECT_PREFIX}.{{account_id}}.{t.aggregate}.{t.__name__}",
                           "schema": {"$ref": f"#/$defs/{t.__name__}"}} for t in types}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Portal events",
            "stream": STREAM, "headers": ["Nats-Msg-Id", "Portal-Position", "Portal-Event-Type",
                                          "Portal-Schema-Version"],
            "events": events, "$defs": components}


_COMMON = frozenset(PortalEvent.__struct_fields__)
