"""What a read model is: a name, its tables, and a handler per event type it cares about.

PostgreSQL's text and jsonb cannot hold U+0000, yet the event store holds whatever the domain accepted, so
every string decoded from an event is made storable here, in one place, before any handler sees it: U+0000
becomes U+FFFD REPLACEMENT CHARACTER. The live projector and rebuilds share this path, so they stay equal.

Personal fields arrive sealed (`domain.personal`); `apply` opens them with the account's data key through the
`DataKeys` it is given (a destroyed key reads as erased), so handlers see plain values; `every` handlers get
both forms, the body as published and the opened one.

An event a handler cannot apply raises `Unappliable`, naming the read model, the position and the event type;
the projector stalls that read model there, a rebuild fails there.

Handlers write through a `Fold` (projections.fold): the batch's rows fold in memory and are written together at
its end; with `exact`, after every event, so a row the database refuses is the event's own failure.
"""

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

import asyncpg
import msgspec

from domain.contract import PortalEvent, upcast
from projections.fold import UNAVAILABLE, Fold

S = TypeVar("S")
NUL_ESCAPE = b"\\u0000"  # how JSON writes U+0000 (a raw NUL byte is malformed JSON)
Handler = Callable[[Fold, Any, int], Awaitable[None]]
# (fold, type, body as published, body opened, position)
AnyHandler = Callable[[Fold, str, bytes, bytes, int], Awaitable[None]]
QUOTED = re.compile(r"""(['"]).*?\1""")


async def update_row(conn: Fold, table: str, key: Mapping[str, object], position: int, **columns: object) -> None:
    """Set some columns of the one row with this key, and its position. Table and column names come from the
    calling read model, never from input."""
    await conn.rows(table).update(key, **columns, position=position)


class DataKeys(Protocol):
    """Opens a published body's sealed fields with its account's data key (workers.shredding.StreamKeys)."""

    async def open(self, conn: asyncpg.Connection, body: bytes) -> bytes: ...


class Unappliable(Exception):
    """A handler of `projection` failed on the event at `position`. Its message holds no event content: only
    the first line of the cause's (PostgreSQL's DETAIL line shows the failing row), with quoted values masked
    (PostgreSQL and msgspec quote the offending value)."""

    def __init__(self, projection: str, position: int, event_type: str, cause: Exception) -> None:
        self.projection, self.position, self.event_type = projection, position, event_type
        self.error = type(cause).__name__
        self.reason = QUOTED.sub(r"\1…\1", str(cause).split("\n", 1)[0])[:160]
        self.account_id: str | None = None  # set by whoever knows it from outside the body (the subject)
        super().__init__(f"{projection} cannot apply {event_type} at position {position}: {self.error}: "
                         f"{self.reason}")


def storable(value: Any) -> Any:
    """Plain JSON values with U+0000 replaced in every string, keys included."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {storable(k): storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [storable(v) for v in value]
    return value


def storable_json(body: bytes) -> bytes:
    """The event's JSON with U+0000 replaced in every string; the common case costs one scan of the bytes."""
    if NUL_ESCAPE not in body:
        return body
    return msgspec.json.encode(storable(msgspec.json.decode(body)))


class ReadModel:
    def __init__(self, name: str, tables: tuple[str, ...]) -> None:
        self.name = name
        self.tables = tables
        self._handlers: dict[str, tuple[msgspec.json.Decoder[Any], Handler]] = {}
        self._every: AnyHandler | None = None

    def on(self, event_type: type[PortalEvent], shape: type[S]) -> Callable[[Handler], Handler]:
        """Register a handler for a contract event; it receives the event decoded into `shape`, a struct of the
        fields it reads. Taking the contract's class (not its name) makes a misspelt event fail at import."""
        required = {f.name for f in msgspec.structs.fields(shape) if f.required}  # type: ignore[arg-type]
        unknown = required - set(event_type.__struct_fields__)
        if unknown:  # a misspelt field would fail every event of this type, in production
            raise TypeError(f"{shape.__name__} reads {sorted(unknown)}, which {event_type.__name__} does not have")
        decoder = msgspec.json.Decoder(shape)

        def register(handler: Handler) -> Handler:
            self._handlers[event_type.__name__] = (decoder, handler)
            return handler

        return register

    def every(self, handler: AnyHandler) -> AnyHandler:
        """Register a handler for every event type, known now or added later (the audit trail's need)."""
        self._every = handler
        return handler

    def shows(self, event_type: str) -> bool:
        """Whether an event of this type changes any row (the others only advance the position)."""
        return self._every is not None or event_type in self._handlers

    async def apply(self, conn: Fold, event_type: str, body: bytes, position: int, keys: DataKeys) -> None:
        """Event handlers get the opened, storable form; `every` handlers get the body as published (the audit
        trail hashes what the event store holds) and the opened one, and make what they store storable
        themselves. Old versions of an event are upcast first."""
        body = upcast(event_type, body)
        try:
            entry = self._handlers.get(event_type)
            if not self.shows(event_type):
                return  # events this read model does not show only advance its position
            opened = await keys.open(conn.conn, body)
            if entry is not None:
                decoder, handler = entry
                await handler(conn, decoder.decode(storable_json(opened)), position)
            if self._every is not None:
                await self._every(conn, event_type, body, opened, position)
            if conn.exact:
                await conn.flush()
        except UNAVAILABLE:
            raise
        except Exception as exc:
            raise Unappliable(self.name, position, event_type, exc) from exc
