"""Events: the public contract as JSON Schema, and the caller's own account's events, live, as
Server-Sent Events (resumable with Last-Event-ID, which is the event's position)."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from domain.contract import SUBJECT_PREFIX, json_schema, upcast
from gateway.fields import MAX_INT64
from gateway.identity import Caller, customer
from gateway.live import follow


# A comment line alone: an empty `data:` would reach every client as an event with no body.
KEEP_ALIVE = ServerSentEventMessage(comment="keep-alive", data=None)


class EventsController(Controller):
    path = "/v1/events"
    tags = ["events"]

    @get("/schema", summary="JSON Schema of every event type, with its version and NATS subject")
    async def schema(self) -> dict[str, Any]:
        return json_schema()

    @get("/stream", summary="The account's events as Server-Sent Events", dependencies={
        "caller": Provide(customer)})
    async def stream(self, caller: Caller, state: State,
                     last_event_id: Annotated[int | None, Parameter(header="Last-Event-ID", ge=0, le=MAX_INT64,
                                                                    required=False)] = None,
                     after: Annotated[int | None, Parameter(ge=0, le=MAX_INT64,
                                                            description="Like Last-Event-ID, for a first "
                                                                        "connection")] = None
                     ) -> ServerSentEvent:
        # The subject filter is built from the authenticated account alone: no other account's events reach
        # this consumer, and the check below keeps it so even if the filter were ever widened.
        own = f"{SUBJECT_PREFIX}.{caller.account_id}."

        async def messages() -> AsyncIterator[ServerSentEventMessage]:
            start = last_event_id if last_event_id is not None else after
            async for msg in follow(state.nats.jetstream(), own + ">", start):
                if msg is None:
                    yield KEEP_ALIVE
                elif msg.subject.startswith(own):
                    headers = msg.headers or {}  # the relay sets both on every message
                    kind = headers["Portal-Event-Type"]
                    yield ServerSentEventMessage(data=upcast(kind, msg.data).decode(), event=kind,
                                                 id=headers["Portal-Position"])

        return ServerSentEvent(messages())
