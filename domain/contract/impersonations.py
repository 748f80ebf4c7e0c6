"""Published events of impersonation: staff acting in a customer's account, and its end."""

from datetime import datetime
from uuid import UUID

from domain.contract.base import PortalEvent


class ImpersonationStarted(PortalEvent):
    aggregate = "impersonation"
    impersonation_id: UUID
    staff_user_id: UUID
    reason: str  # written by staff for the customer to read, in its audit trail and access list
    started_at: datetime
    expires_at: datetime


class ImpersonationEnded(PortalEvent):
    aggregate = "impersonation"
    impersonation_id: UUID
    at: datetime
    by: str  # staff or customer
