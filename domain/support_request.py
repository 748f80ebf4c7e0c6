"""A support request (the Settings tab's contact form): its number, category, subject, status and the thread of
messages between the customer and the help desk.

Who may move a request where is decided here: the customer writes, closes or reopens; staff answer and may
set any status. A closed request takes no messages until it is reopened.
"""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import InvalidValue, RuleViolation
from domain.i18n import N_
from domain.tenant import TenantAggregate

# What a request is about, in the words of the portal's tabs (seeds: License, Clients, Sessions, Files,
# Settings with its payment and invoices), and anything else.
CATEGORIES = ("license", "clients", "sessions", "custom_clients", "payment_and_invoices", "account",
              "technical_problem", "other")
OPEN, WAITING, ANSWERED, CLOSED = "open", "waiting_for_customer", "answered", "closed"
STATUSES = (OPEN, WAITING, ANSWERED, CLOSED)
STAFF_ANSWERS = (ANSWERED, WAITING)  # the status a staff reply leaves: answered, or a question back
CUSTOMER, STAFF = "customer", "staff"


class SupportRequest(TenantAggregate):
    stamped = ("account_id", "request_id")

    class Event(TenantAggregate.Event):
        request_id: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(request_id: str) -> UUID:
        # Request ids are unique across accounts, so staff find a request (and whose it is) by its id alone.
        return uuid5(NAMESPACE_URL, f"portal:support-request:{request_id}")

    @event("Opened")
    def __init__(self, account_id: UUID, request_id: str, number: str, category: str, subject: str, body: str,
                 email: str, client_id: str | None, session_id: str | None, opened_at: datetime) -> None:
        self.account_id = account_id
        self.request_id = request_id
        self.number = number
        self.category = category
        self.subject = subject
        self.email = email  # where answers are announced: the person who wrote, or the account's address
        self.client_id = client_id
        self.session_id = session_id
        self.status = OPEN  # the texts stay in the events: the thread is shown from projections/support.py

    @property
    def closed(self) -> bool:
        return self.status == CLOSED

    def _writable(self) -> None:
        if self.closed:
            raise RuleViolation(N_("Request {number} is closed; reopen it to write"), field="status",
                                number=self.number)

    def write(self, body: str, at: datetime) -> None:
        """The customer adds to the thread; the request waits for the help desk again."""
        self._writable()
        self._customer_wrote(body=body, written_at=at)

    @event("CustomerWrote")
    def _customer_wrote(self, body: str, written_at: datetime) -> None:
        self.status = OPEN

    def answer(self, body: str, status: str, at: datetime) -> None:
        """Staff reply: the request is answered, or waits for the customer's answer to a question."""
        self._writable()
        if status not in STAFF_ANSWERS:
            raise InvalidValue(N_("status: after a reply, answered or waiting_for_customer"), field="status")
        self._staff_answered(body=body, status=status, written_at=at)

    @event("StaffAnswered")
    def _staff_answered(self, body: str, status: str, written_at: datetime) -> None:
        self.status = status

    def close_or_reopen(self, status: str) -> None:
        """What a customer may do: close a request (again: nothing happens), or reopen a closed one."""
        if status == CLOSED:
            self.set_status(CLOSED, CUSTOMER)
        elif status == OPEN:
            if not self.closed:
                raise RuleViolation(N_("Request {number} is not closed; only a closed request is reopened"),
                                    field="status", number=self.number)
            self.set_status(OPEN, CUSTOMER)
        else:
            raise InvalidValue(N_("status: you may set closed or open (to reopen)"), field="status")

    def set_status(self, status: str, by: str) -> None:
        """Any status (staff); the same status again records nothing."""
        if status not in STATUSES:
            raise InvalidValue(N_("status: one of {statuses}"), field="status", statuses=", ".join(STATUSES))
        if status != self.status:
            self._status_changed(status=status, by=by)

    @event("StatusChanged")
    def _status_changed(self, status: str, by: str) -> None:
        self.status = status
