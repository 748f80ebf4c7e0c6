"""Published events of licenses."""

from datetime import datetime
from uuid import UUID

from domain.contract.base import PortalEvent


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


class ValueTransferred(PortalEvent):
    """The value (so far only a client id) now belongs to this event's account, no longer to the old one."""
    aggregate = "claim"
    kind: str
    value: str
    from_account_id: UUID


class LicenseExpired(PortalEvent):
    aggregate = "license"
    expired_at: datetime
