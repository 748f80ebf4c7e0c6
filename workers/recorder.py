"""The event store's recorder: `eventsourcing`'s PostgreSQL recorder, retrying an unreachable database briefly.

`eventsourcing` retries each recorder call ten times on a connection failure, each time waiting up to the
pool's timeout for a connection. With PostgreSQL down, a command was answered (503) only after about 50 s,
which clients take for a hang. Three attempts still ride out one dropped connection and answer within seconds.
"""

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry

ATTEMPTS = 3
WAIT = 0.2  # seconds between attempts


def briefly_retried(method: Callable[..., Any]) -> Callable[..., Any]:
    return retry((InterfaceError, OperationalError), max_attempts=ATTEMPTS, wait=WAIT)(method.__wrapped__)  # type: ignore[attr-defined]


class PortalRecorder(PostgresApplicationRecorder):
    insert_events = briefly_retried(PostgresApplicationRecorder.insert_events)
    select_events = briefly_retried(PostgresApplicationRecorder.select_events)
    select_notifications = briefly_retried(PostgresApplicationRecorder.select_notifications)
    max_notification_id = briefly_retried(PostgresApplicationRecorder.max_notification_id)
