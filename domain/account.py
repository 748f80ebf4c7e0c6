"""The customer account: who holds the license, how to reach them, how they pay."""

from uuid import UUID

from eventsourcing.domain import event

from domain.errors import RuleViolation
from domain.tenant import TenantAggregate


class Account(TenantAggregate):
    @staticmethod
    def create_id(account_id: UUID) -> UUID:
        return account_id

    @event("Opened")
    def __init__(self, account_id: UUID, customer_number: str, email: str, name: str,
                 password_hash: str) -> None:
        self.account_id = account_id
        self.customer_number = customer_number
        self.email = email
        self.password_hash = password_hash
        self.contact = {"name": name, "street": "", "postal_code": "", "city": "", "country": "",
                        "phone": ""}
        self.payment_method: dict[str, object] | None = None

    def change_contact(self, name: str, street: str, postal_code: str, city: str, country: str,
                       phone: str) -> None:
        contact = {"name": name, "street": street, "postal_code": postal_code, "city": city,
                   "country": country, "phone": phone}
        if contact != self.contact:  # an unchanged form records nothing
            self._contact_changed(**contact)

    @event("ContactChanged")
    def _contact_changed(self, name: str, street: str, postal_code: str, city: str, country: str,
                         phone: str) -> None:
        self.contact = {"name": name, "street": street, "postal_code": postal_code, "city": city,
                        "country": country, "phone": phone}

    def change_payment_method(self, kind: str, brand: str, last4: str, expiry_month: int | None,
                              expiry_year: int | None, holder: str) -> None:
        # Only a masked method ever reaches the event store: never a full card or account number.
        if len(last4) > 4 or not last4.isalnum():
            raise RuleViolation("Only the last four characters of a payment method may be stored",
                                field="last4")
        self._payment_method_changed(kind=kind, brand=brand, last4=last4, expiry_month=expiry_month,
                                     expiry_year=expiry_year, holder=holder)

    @event("PaymentMethodChanged")
    def _payment_method_changed(self, kind: str, brand: str, last4: str, expiry_month: int | None,
                                expiry_year: int | None, holder: str) -> None:
        self.payment_method = {"kind": kind, "brand": brand, "last4": last4,
                               "expiry_month": expiry_month, "expiry_year": expiry_year,
                               "holder": holder}
