"""Published events of e-mails and the suppression list."""

from datetime import datetime

from domain.contract.base import PortalEvent


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
    attachments: list[str] = []  # by reference: `invoice:<id>` is the invoice's PDF


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
