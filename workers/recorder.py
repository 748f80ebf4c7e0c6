"""The event store's recorder: `eventsourcing`'s PostgreSQL recorder, retrying an unreachable database briefly.

`eventsourcing` retries each recorder call ten times on a connection failure, each time waiting up to the
pool's timeout for a connection. With PostgreSQL down, a command was answered (503) only after about 50 s,
which clients take for a hang. Three attempts still ride out one dropped connection and answer within seconds.
"""

from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder
from psycopg.sql import SQL, Identifier
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

    def select_histories(self, ids: Sequence[UUID], snapshots: PostgresAggregateRecorder) -> tuple[
            list[StoredEvent], list[StoredEvent]]:
        """The latest snapshot of each aggregate and its events after that snapshot, for many aggregates in
        two statements: the group-commit writer (domain/group_commit.py) loads what a batch misses at once."""
        schema = Identifier(self.datastore.schema)
        latest = SQL("SELECT DISTINCT ON (originator_id) originator_id, originator_version, topic, state "
                     "FROM {schema}.{table} WHERE originator_id = ANY(%s) "
                     "ORDER BY originator_id, originator_version DESC").format(
            schema=schema, table=Identifier(snapshots.events_table_name))
        after = SQL("SELECT e.originator_id, e.originator_version, e.topic, e.state "
                    "FROM unnest(%s::uuid[], %s::bigint[]) AS w(id, after) "
                    "JOIN {schema}.{table} e ON e.originator_id = w.id AND e.originator_version > w.after "
                    "ORDER BY e.originator_id, e.originator_version").format(
            schema=schema, table=Identifier(self.events_table_name))
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(latest, [list(ids)], prepare=True)
            found = [stored(row) for row in curs.fetchall()]
            versions = {s.originator_id: s.originator_version for s in found}
            curs.execute(after, [list(ids), [versions.get(i, 0) for i in ids]], prepare=True)
            return found, [stored(row) for row in curs.fetchall()]


def stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                       topic=row["topic"], state=bytes(row["state"]))
