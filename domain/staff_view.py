"""A staff member opened a view of a customer (its page, or one of its users): recorded in the customer's
account, with who and from where in the event's actor, so staff reads show in the customer's audit trail."""

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate

VIEWS = ("customer", "user")


class StaffView(TenantAggregate):
    """One aggregate per view: views never wait on one another."""

    stamped = ("account_id", "view_id")

    class Event(TenantAggregate.Event):
        view_id: UUID

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(account_id: UUID, view_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:staff-view:{account_id}:{view_id}")

    @event("Opened")
    def __init__(self, account_id: UUID, view_id: UUID, view: str, subject_id: UUID, staff_user_id: UUID) -> None:
        self.account_id = account_id
        self.view_id = view_id
        self.view = view  # one of VIEWS
        self.subject_id = subject_id  # the account or the user viewed
        self.staff_user_id = staff_user_id
