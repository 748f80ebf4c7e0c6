"""Commands on the license: upgrade, key reset, expiry, cancellation, a custom namespace, and the account a
license key belongs to."""

import secrets
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.catalog import PRODUCTS
from domain.claim import Claim
from domain.errors import ConcurrentChange, InvalidLicenseKey, InvalidValue, NamespaceTaken
from domain.license import License
from domain.reseller import require_offered
from domain.reseller_store import ResellerStore
from domain.store import RETRIES, now
from domain.i18n import N_


def new_license_key() -> str:
    raw = secrets.token_hex(10).upper()
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


class LicenseCommands(ResellerStore):
    def upgrade_license(self, account_id: UUID, product: str) -> int:
        tier = PRODUCTS.get(product)
        if tier is None:
            raise InvalidValue(N_("Unknown product {product}"), field="product", product=repr(product))
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
            claim: Claim = self.repository.get(Claim.id_for("license_key", key))
        except AggregateNotFoundError:
            raise InvalidLicenseKey(N_("Unknown license key")) from None
        if self.account(claim.account_id).deleted:
            raise InvalidLicenseKey(N_("Unknown license key"))
        if self.license(claim.account_id).key != key:
            raise InvalidLicenseKey(N_("This license key was replaced; use the account's current key"))
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
                raise NamespaceTaken(N_("The namespace {namespace} is taken"), field="namespace",
                                     namespace=repr(namespace))
            try:
                recordings = self.save(license_, Claim(account_id=account_id, kind="namespace",
                                                       value=namespace))
            except IntegrityError:
                continue
            return recordings[-1].notification.id
        raise ConcurrentChange(N_("The license kept changing; try again"))
