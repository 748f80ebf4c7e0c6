"""What a reseller uses of its plan: its customers and the clients linked across them.

Every limit of the plan is checked here, against this aggregate's own state, so concurrent customer
creations or device registrations cannot together pass a limit: they meet on the event store's version check
and the loser retries on fresh state.
"""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import CustomerLimitReached, NotInPlan, ResellerClientLimitReached, RuleViolation
from domain.reseller_plan import PlanLimits
from domain.tenant import TenantAggregate
from domain.i18n import N_


class Reseller(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:reseller:{account_id}")

    @event("Started")
    def __init__(self, account_id: UUID, plan_id: UUID) -> None:
        self.account_id = account_id  # the reseller's own account
        self.plan_id = plan_id
        self.customers: dict[str, int] = {}  # customer account id -> its linked clients

    @property
    def clients(self) -> int:
        return sum(self.customers.values())

    def change_plan(self, plan_id: UUID, limits: PlanLimits) -> None:
        if plan_id == self.plan_id:
            return
        if len(self.customers) > limits.max_customers or self.clients > limits.max_clients:
            raise RuleViolation(N_("The reseller already uses more than this plan allows"), field="plan_id")
        self._plan_changed(plan_id=plan_id)

    @event("PlanChanged")
    def _plan_changed(self, plan_id: UUID) -> None:
        self.plan_id = plan_id

    def add_customer(self, customer_id: UUID, limits: PlanLimits) -> None:
        if len(self.customers) >= limits.max_customers:
            raise CustomerLimitReached(N_("The reseller's plan allows {most} customers"), most=limits.max_customers)
        self._customer_added(customer_id=customer_id)

    @event("CustomerAdded")
    def _customer_added(self, customer_id: UUID) -> None:
        self.customers[str(customer_id)] = 0

    def remove_customer(self, customer_id: UUID) -> None:
        if str(customer_id) in self.customers:
            self._customer_removed(customer_id=customer_id)

    @event("CustomerRemoved")
    def _customer_removed(self, customer_id: UUID) -> None:
        self.customers.pop(str(customer_id), None)  # its place and its clients are free again

    def count_client(self, customer_id: UUID, limits: PlanLimits) -> None:
        if self.clients >= limits.max_clients:
            raise ResellerClientLimitReached(N_("The reseller's plan allows {most} clients across all its customers"),
                                             field="client_id", most=limits.max_clients)
        self._client_counted(customer_id=customer_id)

    @event("ClientCounted")
    def _client_counted(self, customer_id: UUID) -> None:
        key = str(customer_id)
        self.customers[key] = self.customers.get(key, 0) + 1

    def uncount_client(self, customer_id: UUID) -> None:
        if self.customers.get(str(customer_id), 0) > 0:
            self._client_uncounted(customer_id=customer_id)

    @event("ClientUncounted")
    def _client_uncounted(self, customer_id: UUID) -> None:
        self.customers[str(customer_id)] -= 1


def require_offered(limits: PlanLimits, *, product: str | None = None, api_access: bool = False,
                    namespaces: bool = False) -> None:
    """Refuses what the plan does not let its customers have."""
    if product is not None and product not in limits.products:
        raise NotInPlan(N_("The reseller's plan offers only {products}"), field="product",
                        products=", ".join(limits.products))
    if api_access and not limits.api_access:
        raise NotInPlan(N_("The reseller's plan does not include API access"), field="api_access")
    if namespaces and not limits.namespaces:
        raise NotInPlan(N_("The reseller's plan does not include custom namespaces"), field="namespace")
