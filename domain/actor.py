"""Who caused an event and from where: recorded with the event itself, at the moment of the command."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import msgspec


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # "user", "device", "system"
    name: str  # an e-mail, a client id, a worker role
    role: str | None = None  # owner, member, administrator, reseller, help desk, auditor
    on_behalf_of: str | None = None  # set when staff act for a customer
    address: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


_current: ContextVar[Actor | None] = ContextVar("portal_actor", default=None)


@contextmanager
def acting(actor: Actor) -> Iterator[None]:
    """Every event recorded inside this block names `actor`."""
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)


def current_actor() -> dict[str, str | None] | None:
    actor = _current.get()
    return msgspec.structs.asdict(actor) if actor else None
