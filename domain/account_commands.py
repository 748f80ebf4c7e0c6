"""Commands on the account itself: opening one, its holder's contact, payment method and preferences."""

from uuid import UUID

from domain.account import Account
from domain.customer_commands import CustomerCommands, Profile


class AccountCommands(CustomerCommands):
    def open_account(self, email: str, name: str, password_hash: str,
                     reseller_id: UUID | None = None) -> tuple[UUID, str, int]:
        """Open an account with its owner and a free license; answers (account id, customer number, position)."""
        return self.create_customer(email, password_hash, Profile(name=name), reseller_id)

    def change_contact(self, account_id: UUID, *, name: str, street: str, postal_code: str, city: str,
                       country: str, phone: str, vat_id: str | None = None) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_contact(
            name=name, street=street, postal_code=postal_code, city=city, country=country, phone=phone,
            vat_id=vat_id))

    def amend_contact(self, account_id: UUID, **changes: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.amend_contact(**changes))

    def change_payment_method(self, account_id: UUID, *, kind: str, brand: str, last4: str,
                              expiry_month: int | None, expiry_year: int | None, holder: str,
                              payment_token: str = "") -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_payment_method(
            kind=kind, brand=brand, last4=last4, expiry_month=expiry_month, expiry_year=expiry_year,
            holder=holder, payment_token=payment_token))

    def change_preferences(self, account_id: UUID, **changes: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_preferences(**changes))
