"""Where the commands of a reseller's customers find the reseller and its plan's limits."""

from uuid import UUID

import msgspec
from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.catalog import Product
from domain.errors import NotFound
from domain.reseller import Reseller
from domain.reseller_plan import PlanLimits, ResellerPlan
from domain.store import PortalStore, now
from domain.i18n import N_

Held = tuple[Reseller, PlanLimits]  # a customer's reseller, and the limits of the plan it holds


class ResellerStore(PortalStore):
    def reseller(self, account_id: UUID) -> Reseller | None:
        """The account's reseller usage, if the account is a reseller (holds a plan)."""
        try:
            reseller: object = self.repository.get(Reseller.id_for(account_id))
        except AggregateNotFoundError:
            return None
        return reseller if isinstance(reseller, Reseller) else None

    def plan(self, plan_id: UUID) -> ResellerPlan:
        try:
            plan: object = self.repository.get(plan_id)
        except AggregateNotFoundError:
            raise NotFound(N_("No such plan"), field="plan_id") from None
        if not isinstance(plan, ResellerPlan):
            raise NotFound(N_("No such plan"), field="plan_id")
        return plan

    def held_by(self, manager_id: UUID | None) -> Held | None:
        """The reseller managing a customer and its plan's limits; None for customers of the platform (or of
        a staff reseller, who holds no plan)."""
        reseller = self.reseller(manager_id) if manager_id else None
        return (reseller, self.plan(reseller.plan_id).limits) if reseller else None

    def customer_plan(self, account_id: UUID) -> Held | None:
        return self.held_by(self.account(account_id).reseller_id)

    def tier_in_force(self, account_id: UUID) -> Product:
        """The license's limits, with the concurrent sessions capped by the reseller's plan."""
        tier = self.license(account_id).effective_tier(now())
        held = self.customer_plan(account_id)
        if held is None or held[1].max_concurrent_sessions >= tier.max_concurrent_sessions:
            return tier
        return msgspec.structs.replace(tier, max_concurrent_sessions=held[1].max_concurrent_sessions)

    def reseller_counts_client(self, account_id: UUID, linked: bool) -> list[Aggregate]:
        """A client linked to (or unlinked from) a reseller's customer counts towards the reseller's total."""
        held = self.customer_plan(account_id)
        if held is None:
            return []
        reseller, limits = held
        if linked:
            reseller.count_client(account_id, limits)
        else:
            reseller.uncount_client(account_id)
        return [reseller]
