"""Published events of the help desk: staff views of a customer, verification codes (never the code nor its
digest: only that one was sent and how a check went), the customer's consent and the read-only sessions."""

from datetime import datetime
from uuid import UUID

from domain.contract.base import PortalEvent


class StaffViewed(PortalEvent):
    aggregate = "staff_view"
    view_id: UUID
    view: str  # customer or user
    subject_id: UUID  # the account or the user viewed
    staff_user_id: UUID


class VerificationCodeSent(PortalEvent):
    aggregate = "verification_code"
    user_id: UUID
    expires_at: datetime
    staff_user_id: UUID


class VerificationCodeChecked(PortalEvent):
    aggregate = "verification_code"
    user_id: UUID
    verified: bool
    attempts_left: int
    staff_user_id: UUID


class HelpDeskAccessChanged(PortalEvent):
    aggregate = "helpdesk_access"
    allowed: bool
    until: datetime | None


class ReadOnlySessionStarted(PortalEvent):
    aggregate = "helpdesk_access"
    session_id: UUID
    staff_user_id: UUID
    reason: str  # written by staff for the customer to read, in its audit trail and access list
    started_at: datetime
    expires_at: datetime


class ReadOnlySessionEnded(PortalEvent):
    aggregate = "helpdesk_access"
    session_id: UUID
    at: datetime
    by: str  # staff or customer
