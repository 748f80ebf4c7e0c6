"""`portal seed`: fill a running instance with accounts, clients and past sessions, through its own commands.

Accounts are opened and upgraded to the highest tier by the ordinary commands; their clients and sessions are
imported in bulk by `domain.seeding` (the same aggregate methods, thousands of commands per transaction), so
the relay, the projectors and the audit trail take a seeded history like any other.
"""

import random
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from uuid import UUID

import msgspec

from domain.actor import Actor, acting
from domain.application import Portal
from domain.history import account_log
from domain.seeding import PastSession, import_clients, import_sessions
from domain.store import now
from gateway.identity import hash_password
from workers.config import Settings, event_store_env
from workers.progress import Progress

ACTOR = Actor(kind="system", name="seed")
TIER = "enterprise"  # the highest: its limits allow any realistic number of clients per account
PASSWORD = "Seeded-Harbour-42"  # every seeded login's, so a benchmark or a person can log in
HISTORY = timedelta(days=90)  # seeded sessions started within this past period
VERSIONS = ("8.0.9", "9.0.1", "9.0.4")
PLATFORMS = ("windows", "macos", "linux", "android")


class SeededAccount(msgspec.Struct, kw_only=True):
    account_id: UUID
    email: str
    client_ids: list[str]


class SeedReport(msgspec.Struct, kw_only=True):
    password: str
    accounts: list[SeededAccount]
    sessions: int
    events: int  # recorded by the seed itself
    seconds: float


def new_client_ids(count: int) -> list[str]:
    """Distinct 10-digit ids, as the remote-desktop software shows them."""
    base = 1_000_000_000 + secrets.randbelow(8_000_000_000)
    return [str(base + i) for i in range(count)]


def past_sessions(client_ids: list[str], per_client: int, rng: random.Random,
                  moment: datetime) -> Iterator[PastSession]:
    """Each client connects `per_client` times to the next one (to an outside client if it is alone), at
    random moments of the past `HISTORY`, for a minute to two hours."""
    outside = new_client_ids(1)[0]
    for i, from_client_id in enumerate(client_ids):
        to_client_id = client_ids[(i + 1) % len(client_ids)] if len(client_ids) > 1 else outside
        for _ in range(per_client):
            started = moment - HISTORY * rng.random()
            ended = min(started + timedelta(seconds=rng.uniform(60, 7_200)), moment)
            yield PastSession(from_client_id=from_client_id, to_client_id=to_client_id, started_at=started,
                              ended_at=ended)


def open_account(portal: Portal, email: str, password_hash: str) -> tuple[UUID, int]:
    """A seeded account opened and upgraded by the ordinary commands; answers its id and the events recorded
    (counted in the store: other writers' events are not the seed's)."""
    before = portal.current_position()
    account_id, _, _ = portal.open_account(email, "Seeded Customer", password_hash)
    portal.upgrade_license(account_id, TIER)
    return account_id, sum(1 for _ in account_log(portal, account_id, start=before + 1))


def fill_account(portal: Portal, account_id: UUID, email: str, clients: int, sessions_per_client: int,
                 progress: Callable[[int], None]) -> SeededAccount:
    client_ids = new_client_ids(clients)
    rng = random.Random(account_id.int)
    kinds = list(zip(VERSIONS, PLATFORMS))  # a few software versions per account, round-robin
    for i, (version, platform) in enumerate(kinds):
        for count in import_clients(portal, account_id, client_ids[i::len(kinds)], version, platform):
            progress(count)
    for count in import_sessions(portal, account_id, past_sessions(client_ids, sessions_per_client, rng, now())):
        progress(count)
    return SeededAccount(account_id=account_id, email=email, client_ids=client_ids)


class Counted:
    """The events the seed itself recorded, for the bar and the report alike."""

    def __init__(self) -> None:
        self.events = 0
        self.bar: Progress | None = None  # drawn once the first account shows what each one records

    def __call__(self, count: int) -> None:
        self.events += count
        if self.bar is not None:
            self.bar(count)


def seed(settings: Settings, accounts: int, clients_per_account: int, sessions_per_client: int,
         password: str | None = None, prefix: str | None = None) -> SeedReport:
    password = password or PASSWORD
    prefix = prefix or f"seed-{secrets.token_hex(3)}"
    portal = Portal(env=event_store_env(settings.database_url))
    started = time.monotonic()
    counted = Counted()
    try:
        password_hash = hash_password(password)
        seeded = []
        with acting(ACTOR):
            for i in range(accounts):
                email = f"{prefix}-{i}@seed.portal.test"
                account_id, opening = open_account(portal, email, password_hash)
                if i == 0:  # every account records what the first did: its opening, its usage, three events per
                    # client (claimed, linked, registered), four per session (started, ended, slot taken, freed)
                    counted.bar = Progress("seeding", accounts * (opening + 1 + 3 * clients_per_account + 4 *
                                                                  clients_per_account * sessions_per_client))
                counted(opening)
                seeded.append(fill_account(portal, account_id, email, clients_per_account, sessions_per_client,
                                           counted))
        if counted.bar is not None:
            counted.bar.finish()
        return SeedReport(password=password, accounts=seeded,
                          sessions=accounts * clients_per_account * sessions_per_client,
                          events=counted.events, seconds=time.monotonic() - started)
    finally:
        portal.close()
