"""Published events of licenses."""

from datetime import datetime
from uuid import UUID

from domain.contract.base import PortalEvent


class LicenseIssued(PortalEvent):
    SCHEMA_VERSION = 3  # v1 carried the live `key`; subscribers never need it, so only its fingerprint
    aggregate = "license"
    product: str
    key_fingerprint: str
    expires_at: datetime | None


class LicenseUpgraded(PortalEvent):
    aggregate = "license"
    product: str
    expires_at: datetime


class LicenseKeyReset(PortalEvent):
    SCHEMA_VERSION = 3  # v1 carried the live `key`
    aggregate = "license"
    key_fingerprint: str


class LicenseCancelled(PortalEvent):
    aggregate = "license"
    cancelled_at: datetime


class LicenseNamespaceAssigned(PortalEvent):
    aggregate = "license"
    namespace: str


class ValueClaimed(PortalEvent):
    SCHEMA_VERSION = 3  # v1 carried a claimed license key itself
    aggregate = "claim"
    kind: str
    value: str  # a license key (kind `license_key`) only as its fingerprint


class ValueTransferred(PortalEvent):
    """The value (so far only a client id) now belongs to this event's account, no longer to the old one."""
    aggregate = "claim"
    kind: str
    value: str
    from_account_id: UUID


class ValueReleased(PortalEvent):
    """The value (so far only a domain) is free again: another account may take it."""
    aggregate = "claim"
    kind: str
    value: str


class ValueTaken(PortalEvent):
    """A released value is held again, by this event's account."""
    aggregate = "claim"
    kind: str
    value: str
    from_account_id: UUID


class LicenseExpired(PortalEvent):
    aggregate = "license"
    expired_at: datetime


class LicenseRenewed(PortalEvent):
    """An uncancelled term reached its end and runs for another (an InvoiceIssued of cause "renewal" follows)."""
    aggregate = "license"
    expires_at: datetime
