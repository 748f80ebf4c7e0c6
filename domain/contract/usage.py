"""Published events of clients, sessions and what of the license they use."""

from datetime import datetime

from domain.contract.base import PortalEvent


class LicenseUsageStarted(PortalEvent):
    aggregate = "license"


class ClientLinked(PortalEvent):
    aggregate = "client"
    client_id: str


class ClientUnlinked(PortalEvent):
    aggregate = "client"
    client_id: str
    reason: str = "removed"  # or "moved": registered with another account's key


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
