"""What a read model is: a name, its tables, and a handler per event type it cares about."""

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
import msgspec

from domain.contract import upcast

S = TypeVar("S")
Handler = Callable[[asyncpg.Connection, Any, int], Awaitable[None]]
AnyHandler = Callable[[asyncpg.Connection, str, bytes, int], Awaitable[None]]  # (conn, type, body, position)


class ReadModel:
    def __init__(self, name: str, tables: tuple[str, ...]) -> None:
        self.name = name
        self.tables = tables
        self._handlers: dict[str, tuple[msgspec.json.Decoder[Any], Handler]] = {}
        self._every: AnyHandler | None = None

    def on(self, event_type: str, shape: type[S]) -> Callable[[Handler], Handler]:
        """Register a handler; it receives the event decoded into `shape`, a struct of the fields it reads."""
        decoder = msgspec.json.Decoder(shape)

        def register(handler: Handler) -> Handler:
            self._handlers[event_type] = (decoder, handler)
            return handler

        return register

    def every(self, handler: AnyHandler) -> AnyHandler:
        """Register a handler for every event type, known now or added later (the audit trail's need)."""
        self._every = handler
        return handler

    async def apply(self, conn: asyncpg.Connection, event_type: str, body: bytes, position: int) -> None:
        body = upcast(event_type, body)
        entry = self._handlers.get(event_type)
        if entry is not None:  # events this read model does not show only advance its position
            decoder, handler = entry
            await handler(conn, decoder.decode(body), position)
        if self._every is not None:
            await self._every(conn, event_type, body, position)
