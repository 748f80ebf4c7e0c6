"""The Portal application: every command the gateway may call, each checking its rules in one aggregate."""

import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError

from domain.account import Account
from domain.catalog import FREE, PRODUCTS
from domain.claim import Claim
from domain.errors import ConcurrentChange, EmailTaken, NamespaceTaken, NotFound, RuleViolation
from domain.license import License
from domain.tenant import TenantAggregate

T = TypeVar("T", bound=TenantAggregate)

RETRIES = 5  # optimistic-concurrency retries before a command answers 409


def new_customer_number() -> str:
    """Nine digits: eight random and a Luhn check digit, so support can spot a mistyped number."""
    body = str(secrets.randbelow(90_000_000) + 10_000_000)
    total = 0
    for i, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def normalised_email(email: str) -> str:
    """E-mail addresses are one login whatever their case."""
    return email.strip().lower()


def new_license_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


class Portal(Application):
    name = "portal"

    def open_account(self, email: str, name: str, password_hash: str) -> tuple[UUID, str, int]:
        """Open an account with its owner and a free license; answers (account id, customer number, position)."""
        email = normalised_email(email)
        email_claim_id = Claim.id_for("email", email)
        for _ in range(RETRIES):
            if self._exists(email_claim_id):
                raise EmailTaken("An account with this e-mail address already exists", field="email")
            account_id = uuid4()
            number = new_customer_number()
            account = Account(account_id=account_id, customer_number=number, email=email, name=name,
                              password_hash=password_hash)
            license_ = License(account_id=account_id, product=FREE.code, key=new_license_key(),
                               expires_at=None)
            claims = [Claim(account_id=account_id, kind="email", value=email),
                      Claim(account_id=account_id, kind="customer_number", value=number)]
            try:
                recordings = self.save(account, license_, *claims)
            except IntegrityError:
                continue  # the e-mail was taken meanwhile (checked above) or the number collided
            return account_id, number, recordings[-1].notification.id
        raise ConcurrentChange("Could not open the account; try again")

    def find_login(self, email: str) -> Account:
        """The account whose owner logs in with this e-mail (NotFound if none)."""
        try:
            claim = self.repository.get(Claim.id_for("email", normalised_email(email)))
        except AggregateNotFoundError:
            raise NotFound("No such login") from None
        return self.account(claim.account_id)

    def account(self, account_id: UUID) -> Account:
        return self._owned(Account, account_id, account_id)

    def license(self, account_id: UUID) -> License:
        return self._owned(License, License.id_for(account_id), account_id)

    def upgrade_license(self, account_id: UUID, product: str) -> int:
        tier = PRODUCTS.get(product)
        if tier is None:
            raise RuleViolation(f"Unknown product {product!r}", field="product")
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.upgrade(tier, _now()))

    def reset_license_key(self, account_id: UUID) -> int:
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.reset_key(key=new_license_key()))

    def cancel_license(self, account_id: UUID) -> int:
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.cancel(_now()))

    def buy_namespace(self, account_id: UUID, namespace: str) -> int:
        claim_id = Claim.id_for("namespace", namespace)
        for _ in range(RETRIES):
            license_ = self.license(account_id)
            license_.assign_namespace(namespace)
            if self._exists(claim_id):
                raise NamespaceTaken(f"The namespace {namespace!r} is taken", field="namespace")
            try:
                recordings = self.save(license_, Claim(account_id=account_id, kind="namespace",
                                                       value=namespace))
            except IntegrityError:
                continue
            return recordings[-1].notification.id
        raise ConcurrentChange("The license kept changing; try again")

    def change_contact(self, account_id: UUID, *, name: str, street: str, postal_code: str, city: str,
                       country: str, phone: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_contact(
            name=name, street=street, postal_code=postal_code, city=city, country=country, phone=phone))

    def change_payment_method(self, account_id: UUID, *, kind: str, brand: str, last4: str,
                              expiry_month: int | None, expiry_year: int | None, holder: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_payment_method(
            kind=kind, brand=brand, last4=last4, expiry_month=expiry_month, expiry_year=expiry_year,
            holder=holder))

    def current_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _owned(self, cls: type[T], aggregate_id: UUID, account_id: UUID) -> T:
        try:
            aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(f"No such {cls.__name__.lower()}") from None
        if not isinstance(aggregate, cls) or aggregate.account_id != account_id:
            raise NotFound(f"No such {cls.__name__.lower()}")  # another account's id: never say it exists
        return aggregate

    def _exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, desc=True, limit=1))

    def _change(self, cls: type[T], aggregate_id: UUID, account_id: UUID,
                command: Callable[[T], None]) -> int:
        """Load, apply, save; retry on a concurrent writer. Answers the position of the last event."""
        for _ in range(RETRIES):
            aggregate = self._owned(cls, aggregate_id, account_id)
            command(aggregate)
            if not aggregate.pending_events:
                return self.current_position()  # nothing changed: the state is already as asked
            try:
                return self.save(aggregate)[-1].notification.id
            except IntegrityError:
                continue
        raise ConcurrentChange(f"The {cls.__name__.lower()} kept changing; try again")


def _now() -> datetime:
    return datetime.now(UTC)
