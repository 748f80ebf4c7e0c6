"""A reseller plan: the limits an administrator sets for every reseller holding it (MediaCP's reseller plans).

The plan only holds the limits; what each reseller uses is counted in its own `Reseller` aggregate, which is
where the limits are checked (domain/reseller.py).
"""

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.domain import event

from domain.catalog import PRODUCTS
from domain.errors import RuleViolation
from domain.tenant import TenantAggregate
from domain.i18n import N_


class PlanLimits(msgspec.Struct, frozen=True, kw_only=True):
    max_customers: int
    max_clients: int  # summed over the reseller's customers
    products: tuple[str, ...]  # the products its customers may hold
    max_concurrent_sessions: int  # per customer, on top of the customer's own license
    api_access: bool  # whether its customers may have API access
    namespaces: bool  # whether its customers may buy custom namespaces


def checked_limits(limits: PlanLimits) -> PlanLimits:
    for name in ("max_customers", "max_clients", "max_concurrent_sessions"):
        if getattr(limits, name) < 0:
            raise RuleViolation(N_("{field} cannot be negative"), field=name)
    unknown = [p for p in limits.products if p not in PRODUCTS]
    if unknown or not limits.products:
        raise RuleViolation(N_("{field}: name at least one of {products}"), field="products",
                            products=", ".join(PRODUCTS))
    return limits


LIMIT_FIELDS = tuple(PlanLimits.__struct_fields__)


class ResellerPlan(TenantAggregate):
    """Belongs to the platform's account: administrators manage plans, resellers only hold them."""

    @staticmethod
    def id_for(plan_id: UUID) -> UUID:
        return plan_id

    @event("Created")
    def __init__(self, account_id: UUID, plan_id: UUID, name: str, max_customers: int, max_clients: int,
                 products: list[str], max_concurrent_sessions: int, api_access: bool, namespaces: bool) -> None:
        self.account_id = account_id
        self.plan_id = plan_id
        self.retired = False
        self._assign(name, max_customers, max_clients, products, max_concurrent_sessions, api_access, namespaces)

    def _assign(self, name: str, max_customers: int, max_clients: int, products: list[str],
                max_concurrent_sessions: int, api_access: bool, namespaces: bool) -> None:
        self.name = name
        self.max_customers = max_customers
        self.max_clients = max_clients
        self.products = products
        self.max_concurrent_sessions = max_concurrent_sessions
        self.api_access = api_access
        self.namespaces = namespaces

    @property
    def limits(self) -> PlanLimits:
        values = {name: getattr(self, name) for name in LIMIT_FIELDS}
        return PlanLimits(**{**values, "products": tuple(self.products)})

    def change(self, name: str, limits: PlanLimits) -> None:
        if self.retired:
            raise RuleViolation(N_("The plan is retired; create a new one"))
        checked_limits(limits)
        if name != self.name or limits != self.limits:
            self._changed(name=name, **plan_fields(limits))

    @event("Changed")
    def _changed(self, name: str, max_customers: int, max_clients: int, products: list[str],
                 max_concurrent_sessions: int, api_access: bool, namespaces: bool) -> None:
        self._assign(name, max_customers, max_clients, products, max_concurrent_sessions, api_access, namespaces)

    def retire(self) -> None:
        if not self.retired:
            self._retired()

    @event("Retired")
    def _retired(self) -> None:
        self.retired = True


def plan_fields(limits: PlanLimits) -> dict[str, Any]:
    """The limits as an event's fields, one value type per field of PlanLimits (products as a list: events are
    stored as JSON)."""
    fields = msgspec.structs.asdict(limits)
    fields["products"] = list(limits.products)
    return fields
