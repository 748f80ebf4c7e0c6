"""Bulk import of an account's clients and past sessions, many commands' events per transaction.

Each client and session goes through the very aggregate methods its commands use (`link`, `admit_session`,
`end`, `release_session`), and the events are saved in the order those commands would save them, so the
read models, the audit chain and subscribers cannot tell a seeded history from a lived one. What differs is
only the grouping: thousands of commands' events per save, because one save per command tops out near
1,000 saves/s (the event store locks its table per write).

Only for an account nobody else writes to meanwhile (a fresh one): a concurrent command would meet the
event store's version check, and the import would stop with IntegrityError.
"""

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import Any
from uuid import UUID, uuid4

import msgspec

from domain.claim import Claim
from domain.client import Client
from domain.client_commands import ClientCommands
from domain.session import Session
from domain.store import now

CHUNK = 1_000  # clients or sessions per save: some 2,000–4,000 events in one transaction


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:  # itertools.batched from Python 3.12
    it = iter(items)
    while part := list(islice(it, size)):
        yield part


class PastSession(msgspec.Struct, frozen=True, kw_only=True):
    from_client_id: str
    to_client_id: str
    started_at: datetime
    ended_at: datetime


def import_clients(app: ClientCommands, account_id: UUID, client_ids: Sequence[str], version: str,
                   platform: str, chunk: int = CHUNK) -> Iterator[int]:
    """Link and register new clients as `register_client` would; yields the events saved by each save."""
    tier = app.license(account_id).effective_tier(now())
    usage = app.usage(account_id)
    for part in batched(client_ids, chunk):
        events: list[Any] = []
        for client_id in part:
            usage.link(client_id, tier)
            claim = Claim(account_id=account_id, kind="client", value=client_id)  # new ids: never elsewhere
            client = Client(account_id=account_id, client_id=client_id, version=version, platform=platform)
            events += [*claim.collect_events(), *usage.collect_events(), *client.collect_events()]  # its save
        app.save(*events)
        yield len(events)


def import_sessions(app: ClientCommands, account_id: UUID, sessions: Iterable[PastSession],
                    chunk: int = CHUNK) -> Iterator[int]:
    """Record sessions started and ended as `start_session` then `end_session` would, each within the
    license's limits; yields the events saved by each save."""
    tier = app.license(account_id).effective_tier(now())
    usage = app.usage(account_id)
    for part in batched(sessions, chunk):
        events: list[Any] = []
        for past in part:
            session_id = str(uuid4())
            usage.admit_session(session_id, past.from_client_id, past.to_client_id, tier)
            session = Session(account_id=account_id, session_id=session_id, from_client_id=past.from_client_id,
                              to_client_id=past.to_client_id, started_at=past.started_at)
            events += [*usage.collect_events(), *session.collect_events()]  # start_session's save
            session.end(past.ended_at, "ended")
            usage.release_session(session_id)
            events += [*session.collect_events(), *usage.collect_events()]  # end_session's save
        app.save(*events)
        yield len(events)
