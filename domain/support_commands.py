"""Commands on support requests: a customer opens one (numbered, the help desk e-mailed), writes, closes or
reopens it; staff answer (the customer e-mailed) and set its status. Each e-mail is saved with its change."""

from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.client import Client
from domain.email_commands import EmailCommands
from domain.errors import InvalidValue, NotFound
from domain.i18n import N_
from domain.session import Session
from domain.store import now
from domain.support_counter import SupportCounter
from domain.support_request import CATEGORIES, STAFF, SupportRequest
from domain.text import paragraphs, plain_text

MAX_SUBJECT = 200
MAX_MESSAGE = 10_000  # characters: a long error report fits, a pasted log file does not


def checked_message(body: str) -> str:
    if not body.strip() or len(body) > MAX_MESSAGE:
        raise InvalidValue(N_("message: 1 to {most} characters"), field="message", most=MAX_MESSAGE)
    return paragraphs(body, "message")


class SupportCommands(EmailCommands):
    def support_request(self, account_id: UUID, request_id: str) -> SupportRequest:
        try:
            return self._owned(SupportRequest, SupportRequest.id_for(request_id), account_id)
        except NotFound:
            raise NotFound(N_("No such support request")) from None

    def support_request_account(self, request_id: str) -> UUID:
        """Whose request this is, from the event store (staff then prove they may reach that account)."""
        try:
            request: object = self.repository.get(SupportRequest.id_for(request_id))
        except AggregateNotFoundError:
            raise NotFound(N_("No such support request")) from None
        if not isinstance(request, SupportRequest):
            raise NotFound(N_("No such support request"))
        return request.account_id

    def open_support_request(self, account_id: UUID, subject: str, category: str, message: str,
                             support_address: str, email: str | None = None, client_id: str | None = None,
                             session_id: str | None = None) -> tuple[str, str, int]:
        """Answers the request's id, its number and the position. `email`: where answers are announced (the
        account's address when None); `support_address` is e-mailed the request."""
        subject, message = self._checked_subject(subject, category), checked_message(message)
        self._require_own(account_id, client_id, session_id)
        account = self.account(account_id)
        request_id, numbered = str(uuid4()), [""]

        def work() -> list[Aggregate]:
            counter = self._counter(account_id)
            numbered[0] = counter.take(account.customer_number)
            request = SupportRequest(account_id=account_id, request_id=request_id, number=numbered[0],
                                     category=category, subject=subject, body=message,
                                     email=email or account.email, client_id=client_id, session_id=session_id,
                                     opened_at=now())
            return [counter, request, self._to_desk(request, support_address, message)]
        position = self._transact(account_id, work)
        return request_id, numbered[0], position

    def write_support_message(self, account_id: UUID, request_id: str, message: str, support_address: str) -> int:
        message = checked_message(message)

        def work() -> list[Aggregate]:
            request = self.support_request(account_id, request_id)
            request.write(message, now())
            return [request, self._to_desk(request, support_address, message)]
        return self._transact(account_id, work)

    def answer_support_request(self, account_id: UUID, request_id: str, message: str, status: str) -> int:
        message = checked_message(message)

        def work() -> list[Aggregate]:
            request = self.support_request(account_id, request_id)
            request.answer(message, status, now())
            mail = self._new_email(account_id, str(uuid4()), request.email, "support_answer",
                                   {"number": request.number, "subject": request.subject, "message": message},
                                   language=self.account(account_id).preferences["language"])
            return [request, mail]
        return self._transact(account_id, work)

    def close_or_reopen_support_request(self, account_id: UUID, request_id: str, status: str) -> int:
        return self._change(SupportRequest, self.support_request(account_id, request_id).id, account_id,
                            lambda request: request.close_or_reopen(status))

    def set_support_status(self, account_id: UUID, request_id: str, status: str) -> int:
        return self._change(SupportRequest, self.support_request(account_id, request_id).id, account_id,
                            lambda request: request.set_status(status, STAFF))

    @staticmethod
    def _checked_subject(subject: str, category: str) -> str:
        if category not in CATEGORIES:
            raise InvalidValue(N_("category: one of {categories}"), field="category",
                               categories=", ".join(CATEGORIES))
        if not subject.strip() or len(subject) > MAX_SUBJECT:
            raise InvalidValue(N_("subject: 1 to {most} characters"), field="subject", most=MAX_SUBJECT)
        return plain_text(subject, "subject")

    def _require_own(self, account_id: UUID, client_id: str | None, session_id: str | None) -> None:
        """The client and session a request is about must be the account's own (ever registered, or held)."""
        if client_id is not None and not self._holds(Client, Client.id_for(account_id, client_id), account_id):
            raise InvalidValue(N_("client_id: your account has no client {client_id}"), field="client_id",
                               client_id=client_id)
        if session_id is not None and \
                not self._holds(Session, Session.id_for(account_id, session_id), account_id):
            raise InvalidValue(N_("session_id: your account has no session {session_id}"), field="session_id",
                               session_id=session_id)

    def _holds(self, cls: type[Client] | type[Session], aggregate_id: UUID, account_id: UUID) -> bool:
        try:
            self._owned(cls, aggregate_id, account_id)
        except NotFound:
            return False
        return True

    def _counter(self, account_id: UUID) -> SupportCounter:
        try:
            return self._owned(SupportCounter, SupportCounter.id_for(account_id), account_id)
        except NotFound:
            return SupportCounter(account_id=account_id)

    def _to_desk(self, request: SupportRequest, support_address: str, message: str) -> Aggregate:
        """The e-mail telling the help desk what the customer wrote."""
        return self._new_email(request.account_id, str(uuid4()), support_address, "support_request",
                               {"number": request.number, "subject": request.subject,
                                "category": request.category, "message": message})
