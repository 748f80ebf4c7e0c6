"""Published events of support requests. Subjects and message texts are personal data: named `subject` and
`body`, they are sealed with the account's key wherever personal fields are."""

from datetime import datetime

from domain.contract.base import PortalEvent


class SupportRequestOpened(PortalEvent):
    aggregate = "support"
    request_id: str
    number: str  # <customer number>-<n>
    category: str
    subject: str
    body: str
    email: str  # where answers are announced
    client_id: str | None
    session_id: str | None
    opened_at: datetime


class SupportCustomerWrote(PortalEvent):
    aggregate = "support"
    request_id: str
    body: str
    written_at: datetime


class SupportStaffAnswered(PortalEvent):
    aggregate = "support"
    request_id: str
    body: str
    status: str  # answered, or waiting_for_customer
    written_at: datetime


class SupportStatusChanged(PortalEvent):
    aggregate = "support"
    request_id: str
    status: str  # open, waiting_for_customer, answered, closed
    by: str  # customer or staff


class SupportCounterStarted(PortalEvent):
    aggregate = "support"


class SupportNumberTaken(PortalEvent):
    aggregate = "support"
    sequence: int
