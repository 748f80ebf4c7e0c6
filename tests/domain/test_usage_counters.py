"""The dashboard counters never drift: after thousands of random device and portal commands, what the
aggregates hold (linked, online, active sessions) equals a count over the stored events."""

import random
from collections import Counter, defaultdict
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from eventsourcing.application import AggregateNotFoundError

from domain.application import Portal
from domain.catalog import PRODUCTS
from domain.client import Client
from domain.errors import DomainError, SeatLimitReached, SessionLimitReached
from domain.license_usage import LicenseUsage
from domain.session import Session

SEEDS = [7, 1_234, 90_210]
OPERATIONS = 2_000
TIERS = ("performance", "power", "free")  # a generous tier, the device-limited one, and tight seats
CLIENTS_PER_ACCOUNT = 10
REMOTE_PEERS = 3  # ids never linked: the other side of a support call


class Mix:
    """Random commands over a few accounts; refusals are part of the mix, so they are counted, not raised."""

    def __init__(self, app, accounts: list, rng: random.Random) -> None:
        self.app, self.accounts, self.rng = app, accounts, rng
        self.clients = {a: [str(rng.randrange(10**8, 10**10)) for _ in range(CLIENTS_PER_ACCOUNT)]
                        for a in accounts}
        self.remotes = [str(rng.randrange(10**8, 10**10)) for _ in range(REMOTE_PEERS)]
        self.sessions: dict = defaultdict(list)  # every session id started, ended or not
        self.refusals: Counter = Counter()

    def step(self) -> None:
        account = self.rng.choice(self.accounts)
        client = self.rng.choice(self.clients[account])
        command = self.rng.choices(
            ["register", "remove", "online", "offline", "start", "end", "close"],
            weights=[4, 1, 3, 2, 4, 3, 2])[0]
        try:
            getattr(self, command)(account, client)
        except DomainError as refusal:
            self.refusals[type(refusal).__name__] += 1

    def register(self, account, client) -> None:
        self.app.register_client(account, client, self.rng.choice(["1.0", "1.1"]), "linux")

    def remove(self, account, client) -> None:
        self.app.remove_client(account, client)

    def online(self, account, client) -> None:
        self.app.client_came_online(account, client, self.rng.choice(["1.0", "1.1"]))

    def offline(self, account, client) -> None:
        self.app.client_went_offline(account, client, datetime.now(UTC))

    def start(self, account, client) -> None:
        peer = self.rng.choice(self.clients[account] + self.remotes)
        sides = (client, peer) if self.rng.random() < 0.5 else (peer, client)
        session_id, _ = self.app.start_session(account, *sides)
        self.sessions[account].append(session_id)

    def end(self, account, client) -> None:
        if self.sessions[account]:
            self.app.end_session(account, self.recent_session(account))

    def close(self, account, client) -> None:
        if self.sessions[account]:
            self.app.close_session(account, self.recent_session(account))

    def recent_session(self, account) -> str:
        """Mostly an active one, sometimes one already ended (devices retry; the portal races them)."""
        return self.rng.choice(self.sessions[account][-6:])


def counts_from_the_store(app) -> dict:
    """Replays every stored event: linked clients, online clients and active sessions per account."""
    counts: dict = defaultdict(lambda: {"linked": set(), "online": set(), "sessions": set()})
    start = 1
    while page := app.recorder.select_notifications(start, 500):
        for event in map(app.mapper.to_domain_event, page):
            own = counts[event.account_id]
            match event:
                case LicenseUsage.ClientLinked():
                    own["linked"].add(event.client_id)
                case LicenseUsage.ClientUnlinked():
                    own["linked"].remove(event.client_id)
                case Client.CameOnline():
                    own["online"].add(event.client_id)
                case Client.WentOffline():
                    own["online"].remove(event.client_id)
                case Session.Started():
                    own["sessions"].add(event.session_id)
                case Session.Ended():
                    own["sessions"].remove(event.session_id)
        start = page[-1].id + 1
    return counts


def online_clients(app, account, client_ids: list[str]) -> set[str]:
    online = set()
    for client_id in client_ids:
        try:
            if app.repository.get(Client.id_for(account, client_id)).online:
                online.add(client_id)
        except AggregateNotFoundError:
            pass  # never registered
    return online


@pytest.fixture(scope="module", params=SEEDS, ids=lambda seed: f"seed-{seed}")
def mix(request) -> Mix:
    """One run per seed, shared by the tests below (each reads it, none changes it)."""
    app = Portal(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    accounts = [app.open_account(f"{uuid4().hex}@example.com", "Ann", "hash")[0] for _ in TIERS]
    for account, tier in zip(accounts, TIERS):
        if tier != "free":
            app.upgrade_license(account, tier)
    mix = Mix(app, accounts, random.Random(request.param))
    for _ in range(OPERATIONS):
        mix.step()
    return mix


@pytest.mark.slow
def test_every_counter_equals_a_count_over_the_stored_events(mix):
    app = mix.app
    stored = counts_from_the_store(app)

    for account in mix.accounts:
        usage = app.usage(account)
        assert set(usage.linked) == stored[account]["linked"]
        assert online_clients(app, account, mix.clients[account]) == stored[account]["online"]
        assert set(usage.sessions) == stored[account]["sessions"]


@pytest.mark.slow
def test_the_counters_never_pass_the_limits_nor_count_a_removed_client_online(mix):
    app = mix.app
    for account, tier in zip(mix.accounts, TIERS):
        usage, limits = app.usage(account), PRODUCTS[tier]
        assert len(usage.linked) <= limits.max_clients
        assert len(usage.sessions) <= limits.max_concurrent_sessions
        assert online_clients(app, account, mix.clients[account]) <= set(usage.linked)


@pytest.mark.slow
def test_the_mix_reaches_the_limits(mix):
    assert mix.refusals[SeatLimitReached.__name__] > 0
    assert mix.refusals[SessionLimitReached.__name__] > 0
