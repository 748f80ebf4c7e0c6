"""The account's license: product tier, key, expiry, contract state and custom namespace."""

from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.catalog import FREE, PRODUCTS, Product
from domain.errors import RuleViolation
from domain.tenant import TenantAggregate
from domain.i18n import N_


class License(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:license:{account_id}")

    @event("Issued")
    def __init__(self, account_id: UUID, product: str, key: str, expires_at: datetime | None) -> None:
        self.account_id = account_id
        self.product = product
        self.key = key
        self.expires_at = expires_at
        self.cancelled_at: datetime | None = None
        self.namespace: str | None = None

    @property
    def tier(self) -> Product:
        return PRODUCTS[self.product]

    def effective_tier(self, now: datetime) -> Product:
        """The limits in force: a license past its expiry date has the free tier's, even before the timer
        records the expiry."""
        if self.expires_at is not None and self.expires_at <= now:
            return FREE
        return self.tier

    def upgrade(self, product: Product, now: datetime) -> None:
        if product.rank <= self.tier.rank:
            raise RuleViolation(
                f"{product.name} is not an upgrade from {self.tier.name}", field="product")
        # Within a running paid term the upgrade keeps its end (and bills the rest of it); from the free tier
        # a new term starts. Only the free tier has no term, and it ranks lowest, so every target has one.
        in_term = self.tier is not FREE and self.expires_at is not None and self.expires_at > now
        expires_at = self.expires_at if in_term and self.expires_at else now + timedelta(days=product.term_days or 0)
        self._upgraded(product=product.code, expires_at=expires_at)

    @event("Upgraded")
    def _upgraded(self, product: str, expires_at: datetime) -> None:
        self.product = product
        self.expires_at = expires_at
        self.cancelled_at = None  # a new purchase starts a new contract

    @event("KeyReset")
    def reset_key(self, key: str) -> None:
        self.key = key

    def cancel(self, now: datetime) -> None:
        if self.tier is FREE:
            raise RuleViolation(N_("The free license has no contract to cancel"))
        if self.cancelled_at is not None:
            raise RuleViolation(N_("The contract is already cancelled"))
        self._cancelled(cancelled_at=now)

    @event("Cancelled")
    def _cancelled(self, cancelled_at: datetime) -> None:
        self.cancelled_at = cancelled_at

    def due(self, now: datetime) -> bool:
        return self.tier is not FREE and self.expires_at is not None and self.expires_at <= now

    def expire(self, now: datetime) -> None:
        """Past its expiry date a paid license falls back to the free tier (once; later calls do nothing)."""
        if self.due(now):
            self._expired(expired_at=now)

    def renew(self, now: datetime) -> datetime | None:
        """A term that reached its end uncancelled runs for one more; answers where the new term starts (None:
        nothing to renew)."""
        if not self.due(now) or self.cancelled_at is not None or self.expires_at is None:
            return None
        start = self.expires_at
        self._renewed(expires_at=start + timedelta(days=self.tier.term_days or 0))
        return start

    @event("Renewed")
    def _renewed(self, expires_at: datetime) -> None:
        self.expires_at = expires_at

    @event("Expired")
    def _expired(self, expired_at: datetime) -> None:
        self.product = FREE.code
        self.expires_at = None
        self.cancelled_at = None

    def assign_namespace(self, namespace: str) -> None:
        if self.tier.max_aliases == 0:
            raise RuleViolation(N_("The {tier} license cannot own a custom namespace; upgrade first"), tier=self.tier.name,
                                field="namespace")
        if self.namespace is not None:
            raise RuleViolation(N_("The account already owns the namespace {namespace}"), namespace=repr(self.namespace),
                                field="namespace")
        self._namespace_assigned(namespace=namespace)

    @event("NamespaceAssigned")
    def _namespace_assigned(self, namespace: str) -> None:
        self.namespace = namespace
