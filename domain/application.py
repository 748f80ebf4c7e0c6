"""The Portal application: every command the gateway may call, each checking its rules in one aggregate."""

from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.account import Account
from domain.anydesk_commands import AnyDeskCommands
from domain.catalog import PRODUCTS
from domain.claim import Claim
from domain.customer_commands import CustomerCommands, Profile, new_license_key
from domain.email_commands import EmailCommands
from domain.errors import ConcurrentChange, InvalidLicenseKey, InvalidValue, NamespaceTaken
from domain.files_commands import FileCommands
from domain.impersonation_commands import ImpersonationCommands
from domain.license import License
from domain.reseller import require_offered
from domain.session_commands import SessionCommands
from domain.store import RETRIES, now
from domain.user_commands import UserCommands, normalised_email

__all__ = ["Portal", "normalised_email"]  # gateway/auth.py takes normalised_email from here


class Portal(UserCommands, SessionCommands, CustomerCommands, ImpersonationCommands, EmailCommands, FileCommands,
             AnyDeskCommands):
    """Every command of the portal. Account and license commands are here; the others by area."""

    def open_account(self, email: str, name: str, password_hash: str,
                     reseller_id: UUID | None = None) -> tuple[UUID, str, int]:
        """Open an account with its owner and a free license; answers (account id, customer number, position)."""
        return self.create_customer(email, password_hash, Profile(name=name), reseller_id)

    def upgrade_license(self, account_id: UUID, product: str) -> int:
        tier = PRODUCTS.get(product)
        if tier is None:
            raise InvalidValue(f"Unknown product {product!r}", field="product")
        held = self.customer_plan(account_id)
        if held is not None:
            require_offered(held[1], product=product)
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.upgrade(tier, now()))

    def reset_license_key(self, account_id: UUID) -> tuple[str, int]:
        """Replace the key; answers (the new key, position), so the owner can put it into the software."""
        keys: list[str] = []

        def work() -> list[Aggregate]:
            license_ = self.license(account_id)
            license_.reset_key(key=new_license_key())
            keys.append(license_.key)  # a retry draws another key: the last one drawn is the one saved
            return [license_, Claim(account_id=account_id, kind="license_key", value=license_.key)]
        position = self._transact(account_id, work)
        return keys[-1], position

    def expire_license(self, account_id: UUID) -> int:
        """Timers call this for licenses past their expiry date; it records the expiry once."""
        return self._change(License, License.id_for(account_id), account_id, lambda lic: lic.expire(now()))

    def account_for_key(self, key: str) -> UUID:
        """The account whose current license key this is (a reset key is refused at once)."""
        try:
            claim = self.repository.get(Claim.id_for("license_key", key))
        except AggregateNotFoundError:
            raise InvalidLicenseKey("Unknown license key") from None
        if self.account(claim.account_id).deleted:
            raise InvalidLicenseKey("Unknown license key")
        if self.license(claim.account_id).key != key:
            raise InvalidLicenseKey("This license key was replaced; use the account's current key")
        return claim.account_id

    def cancel_license(self, account_id: UUID) -> int:
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.cancel(now()))

    def buy_namespace(self, account_id: UUID, namespace: str) -> int:
        claim_id = Claim.id_for("namespace", namespace)
        held = self.customer_plan(account_id)
        if held is not None:
            require_offered(held[1], namespaces=True)
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

    def amend_contact(self, account_id: UUID, **changes: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.amend_contact(**changes))

    def change_payment_method(self, account_id: UUID, *, kind: str, brand: str, last4: str,
                              expiry_month: int | None, expiry_year: int | None, holder: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_payment_method(
            kind=kind, brand=brand, last4=last4, expiry_month=expiry_month, expiry_year=expiry_year,
            holder=holder))

    def change_preferences(self, account_id: UUID, **changes: str) -> int:
        return self._change(Account, account_id, account_id, lambda acc: acc.change_preferences(**changes))
