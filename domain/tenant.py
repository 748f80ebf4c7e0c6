"""The base of every aggregate that belongs to an account: each of its events carries the account id and
the actor who caused it (see domain/actor.py)."""

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actor import current_actor


class TenantAggregate(Aggregate):
    account_id: UUID
    # Attributes copied onto every event, so subscribers know what it is about without loading anything.
    stamped: ClassVar[tuple[str, ...]] = ("account_id",)

    class Event(Aggregate.Event):
        account_id: UUID
        actor: dict[str, Any] | None

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _create(cls, event_class, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("actor", current_actor())
        return super()._create(event_class, **kwargs)

    def trigger_event(self, event_class, **kwargs):  # type: ignore[no-untyped-def]
        for name in self.stamped:
            kwargs.setdefault(name, getattr(self, name))
        kwargs.setdefault("actor", current_actor())
        super().trigger_event(event_class, **kwargs)
