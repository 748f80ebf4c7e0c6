"""How many custom clients an account holds, against its tier's maximum.

The limit lives in this one per-account aggregate: two concurrent creations meet on its version check, and
the loser retries against the new count, so the maximum holds under races.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.catalog import Product
from domain.errors import CustomClientLimitReached
from domain.tenant import TenantAggregate
from domain.i18n import N_


class CustomClientQuota(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:custom-client-quota:{account_id}")

    @event("Started")
    def __init__(self, account_id: UUID) -> None:
        self.account_id = account_id
        self.held: list[str] = []  # custom client ids (strings: snapshots are JSON)

    def hold(self, custom_client_id: UUID, tier: Product) -> None:
        if len(self.held) >= tier.max_custom_clients:
            raise CustomClientLimitReached(N_("The {tier} license holds at most {most} custom clients; delete one first"),
                                           tier=tier.name, most=tier.max_custom_clients)
        self._held(custom_client_id=custom_client_id)

    @event("Held")
    def _held(self, custom_client_id: UUID) -> None:
        self.held.append(str(custom_client_id))

    def release(self, custom_client_id: UUID) -> None:
        if str(custom_client_id) in self.held:
            self._released(custom_client_id=custom_client_id)

    @event("Released")
    def _released(self, custom_client_id: UUID) -> None:
        self.held.remove(str(custom_client_id))
