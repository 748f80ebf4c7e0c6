"""Commands on the license: upgrade, key reset, expiry, cancellation, a custom namespace, and the account a
license key belongs to."""

import secrets
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.billing import namespace_lines, renewal_lines, upgrade_lines
from domain.catalog import PRODUCTS
from domain.claim import Claim
from domain.errors import InvalidLicenseKey, InvalidValue, NamespaceTaken
from domain.invoice_commands import InvoiceCommands
from domain.license import License
from domain.reseller import require_offered
from domain.reseller_store import ResellerStore
from domain.i18n import N_
from domain.store import now


def new_license_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


class LicenseCommands(ResellerStore, InvoiceCommands):
    def upgrade_license(self, account_id: UUID, product: str) -> int:
        """The new tier and its invoice, in one save."""
        tier = PRODUCTS.get(product)
        if tier is None:
            raise InvalidValue(N_("Unknown product {product}"), field="product", product=repr(product))
        held = self.customer_plan(account_id)
        if held is not None:
            require_offered(held[1], product=product)

        def work() -> list[Aggregate]:
            license_, account, at = self.license(account_id), self.account(account_id), now()
            lines = upgrade_lines(license_, tier, at, account.preferences["language"])
            license_.upgrade(tier, at)
            return [license_, *self._bill(account, "upgrade", lines, at)]
        return self._billed(account_id, work)

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
        """Timers call this for licenses past their expiry date: a cancelled contract expires, any other renews
        for a term and is invoiced (in one save). Each is recorded once."""
        def work() -> list[Aggregate]:
            license_, at = self.license(account_id), now()
            if license_.cancelled_at is not None:
                license_.expire(at)
                return [license_]
            account = self.account(account_id)
            start = license_.renew(at)
            if start is None:
                return []
            return [license_, *self._bill(account, "renewal",
                                          renewal_lines(license_, start, account.preferences["language"]), at)]
        return self._billed(account_id, work)

    def account_for_key(self, key: str) -> UUID:
        """The account whose current license key this is (a reset key is refused at once). Every device
        request asks this first: the writer answers it from memory."""
        def query() -> UUID:
            try:
                claim: Claim = self.repository.get(Claim.id_for("license_key", key))
            except AggregateNotFoundError:
                raise InvalidLicenseKey(N_("Unknown license key")) from None
            if self.account(claim.account_id).deleted:
                raise InvalidLicenseKey(N_("Unknown license key"))
            if self.license(claim.account_id).key != key:
                raise InvalidLicenseKey(N_("This license key was replaced; use the account's current key"))
            return claim.account_id
        return self._read(query)

    def cancel_license(self, account_id: UUID) -> int:
        return self._change(License, License.id_for(account_id), account_id,
                            lambda lic: lic.cancel(now()))

    def buy_namespace(self, account_id: UUID, namespace: str) -> int:
        """The namespace's claim and its invoice (the rest of the license's term), in one save."""
        claim_id = Claim.id_for("namespace", namespace)
        held = self.customer_plan(account_id)
        if held is not None:
            require_offered(held[1], namespaces=True)

        def work() -> list[Aggregate]:
            license_, account, at = self.license(account_id), self.account(account_id), now()
            license_.assign_namespace(namespace)
            if self._exists(claim_id):  # on a retry after a collision, the rival's claim is seen here
                raise NamespaceTaken(N_("The namespace {namespace} is taken"), field="namespace",
                                     namespace=repr(namespace))
            lines = namespace_lines(license_, namespace, at, account.preferences["language"])
            return [license_, Claim(account_id=account_id, kind="namespace", value=namespace),
                    *self._bill(account, "namespace", lines, at)]
        return self._billed(account_id, work)
