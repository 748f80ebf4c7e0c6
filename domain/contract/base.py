"""The fields every published event has, and where events are published."""

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec

from domain.actor import Actor

STREAM = "PORTAL_EVENTS"
SUBJECT_PREFIX = "portal.evt"
PACKAGES = "PORTAL_PACKAGES"  # the JetStream object store holding custom-client packages (builder → gateway)


class PortalEvent(msgspec.Struct, kw_only=True):
    # Upper case: it can never collide with an event's own fields. Version 2: personal fields are sealed.
    SCHEMA_VERSION: ClassVar[int] = 2
    aggregate: ClassVar[str]
    account_id: UUID
    aggregate_id: UUID
    aggregate_version: int
    occurred_at: datetime
    actor: Actor | None = None
