"""Published events of customer administration: account levels, reseller plans and resellers' usage.

No personal data: plans have names chosen by staff, customers appear only by their account ids.
"""

from uuid import UUID

from domain.contract.base import PortalEvent


class AccountLevelChanged(PortalEvent):
    aggregate = "account"
    level: str  # customer, administrator or reseller


class AccountAccessibilityChanged(PortalEvent):
    aggregate = "account"
    enabled: bool


class PlanTerms(PortalEvent):
    """A plan's name and limits, as created or changed."""

    aggregate = "reseller_plan"
    name: str
    max_customers: int
    max_clients: int
    products: list[str]
    max_concurrent_sessions: int
    api_access: bool
    namespaces: bool


class ResellerPlanCreated(PlanTerms):
    plan_id: UUID


class ResellerPlanChanged(PlanTerms):
    pass


class ResellerPlanRetired(PortalEvent):
    aggregate = "reseller_plan"


class ResellerStarted(PortalEvent):
    aggregate = "reseller"
    plan_id: UUID


class ResellerPlanSwitched(PortalEvent):
    aggregate = "reseller"
    plan_id: UUID


class ResellerCustomerEvent(PortalEvent):
    """Something about one of the reseller's customers, named by its account id only."""

    aggregate = "reseller"
    customer_id: UUID


class ResellerCustomerAdded(ResellerCustomerEvent):
    pass


class ResellerCustomerRemoved(ResellerCustomerEvent):
    pass


class AccountDeleted(PortalEvent):
    """The account was deleted for good; its personal data is destroyed with its key."""

    aggregate = "account"


class ResellerClientCounted(ResellerCustomerEvent):
    pass


class ResellerClientUncounted(ResellerCustomerEvent):
    pass
