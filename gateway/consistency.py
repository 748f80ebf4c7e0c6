"""Read-your-writes: commands answer their event position; queries may wait until a projection reaches it."""

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
import msgspec
from litestar import Response
from litestar.datastructures import State
from litestar.params import Parameter

from domain.actor import Actor, acting
from domain.i18n import N_
from gateway.fields import MAX_INT64
from gateway.identity import digest
from gateway.problems import Problem
from projections.access import ACCOUNT_ACCESS
from projections.positions import position as view_position, wait_for
from projections.preferences import ACCOUNT_PREFERENCES

POSITION_HEADER = "X-Event-Position"
POSITION_BYTES = POSITION_HEADER.lower().encode()
CREDENTIAL_VIEWS = (ACCOUNT_ACCESS.name, ACCOUNT_PREFERENCES.name)  # what gateway/credentials.py keeps depends on


class Accepted(msgspec.Struct, kw_only=True):
    position: int


def accepted(position: int, body: Any = None, status: int = 200) -> Response[Any]:
    """A command's answer: its last event's position in the body and the X-Event-Position header."""
    return Response(body if body is not None else Accepted(position=position), status_code=status,
                    headers={POSITION_HEADER: str(position)})


async def reach(state: State, projection: str, min_position: int | None) -> None:
    if not min_position or state.advances.reached.get(projection, 0) >= min_position:
        return
    # Only a view that is behind makes us look at the event store: a position nobody has written would
    # otherwise hold the request for the whole wait.
    if await view_position(state.pool, projection) < min_position and \
            min_position > await off_loop(state.portal.current_position):
        raise Problem(422, "validation", N_("{field}: no event has position {position} yet; send the position a "
                                            "command answered"), field="X-Min-Position", position=min_position)
    if not await wait_for(state.pool, state.advances, projection, min_position,
                          state.settings.min_position_wait_seconds):
        raise Problem(503, "projection-behind",
                      N_("The {view} view has not yet reached position {position}; retry shortly"),
                      headers={"Retry-After": "1"}, view=projection, position=min_position)
    if projection in CREDENTIAL_VIEWS:  # what it changed is in force for every token once this answers
        await state.tokens.settled(state.pool)


class Writes:
    """Each credential's last write (its command's position) in this gateway process: the caller's next query
    waits for it as if it had sent `X-Min-Position`, so one reads one's own writes without the header."""

    KEPT = 100_000  # credentials remembered; past that the memory starts afresh

    def __init__(self) -> None:
        self._last: dict[bytes, int] = {}

    def remember(self, credential: bytes, position: int) -> None:
        if len(self._last) >= self.KEPT:
            self._last.clear()
        self._last[credential] = max(position, self._last.get(credential, 0))

    def asked(self, scope: Any, credential: bytes) -> None:
        """A query of the bearer of `credential`: without `X-Min-Position`, it gets that of its last write."""
        written = self._last.get(credential)
        if written and not any(k == b"x-min-position" for k, _ in scope["headers"]):
            scope["headers"] = [*scope["headers"], (b"x-min-position", str(written).encode())]

    def answered(self, credential: bytes, message: Any) -> None:
        """A command's answer: remembered when it succeeded with a position."""
        if 200 <= message["status"] < 300:
            for name, value in message.get("headers", []):
                if name.lower() == POSITION_BYTES:
                    self.remember(credential, int(value))


def bearer_digest(headers: list[tuple[bytes, bytes]]) -> bytes | None:
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return digest(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
    return None


MinPosition = Parameter(header="X-Min-Position", ge=0, le=MAX_INT64, required=False,
                        description="Answer only once the view has applied the event at this position")

T = TypeVar("T")


async def off_loop(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking call (the event store is synchronous, hashing is slow) on a worker thread."""
    return await anyio.to_thread.run_sync(partial(fn, *args, **kwargs))


async def command(actor: Actor, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a domain command off the event loop; every event it records names `actor`."""
    def run() -> T:
        with acting(actor):
            return fn(*args, **kwargs)
    return await anyio.to_thread.run_sync(run)
