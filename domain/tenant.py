"""The base of every aggregate that belongs to an account: each of its events carries the account id."""

from uuid import UUID

from eventsourcing.domain import Aggregate


class TenantAggregate(Aggregate):
    account_id: UUID

    class Event(Aggregate.Event):
        account_id: UUID

    class Created(Event, Aggregate.Created):
        pass

    def trigger_event(self, event_class, **kwargs):  # type: ignore[no-untyped-def]
        # Stamp the owning account on every event so the relay can route it without loading the aggregate.
        kwargs.setdefault("account_id", self.account_id)
        super().trigger_event(event_class, **kwargs)
