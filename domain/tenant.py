"""The base of every aggregate that belongs to an account: each of its events carries the account id and
the actor who caused it (see domain/actor.py)."""

from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.actor import current_actor


class TenantAggregate(Aggregate):
    """Each subclass names its ids with one static `id_for(...)`: eventsourcing's `create_id` hook is that same
    function (set here), so the id a command computes to load an aggregate is the id it was created with."""

    account_id: UUID
    # Attributes copied onto every event, so subscribers know what it is about without loading anything.
    stamped: ClassVar[tuple[str, ...]] = ("account_id",)

    class Event(Aggregate.Event):
        account_id: UUID
        actor: dict[str, Any] | None

    class Created(Event, Aggregate.Created):
        pass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        id_for = cls.__dict__.get("id_for")
        if id_for is not None:
            # before eventsourcing reads create_id's parameters; mypy refuses assigning a method, which is the point
            cls.create_id = id_for  # type: ignore[method-assign]
        super().__init_subclass__(**kwargs)

    @classmethod
    def _create(cls, event_class, **kwargs):
        kwargs.setdefault("actor", current_actor())
        return super()._create(event_class, **kwargs)

    def trigger_event(self, event_class, **kwargs):
        for name in self.stamped:
            kwargs.setdefault(name, getattr(self, name))
        kwargs.setdefault("actor", current_actor())
        super().trigger_event(event_class, **kwargs)
