"""Shared fixtures for the domain tests: a Portal on in-memory persistence and fresh accounts in it."""

import secrets
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain import store
from domain.application import Portal

@pytest.fixture
def password_hash() -> str:
    return f"argon2id$v=19$m=65536,t=3,p=4${uuid4().hex}"


@pytest.fixture
def app() -> Portal:
    return Portal(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


@pytest.fixture
def email() -> str:
    return f"{uuid4().hex}@example.com"


@pytest.fixture
def signup(app: Portal, password_hash: str) -> Callable[..., UUID]:
    """Opens an account for a fresh (or the given) e-mail and answers its id."""

    def signup(email: str | None = None) -> UUID:
        account_id, _, _ = app.open_account(email or f"{uuid4().hex}@example.com", "Ann Example",
                                            password_hash)
        return account_id

    return signup


@pytest.fixture
def account_id(signup: Callable[..., UUID]) -> UUID:
    return signup()


@pytest.fixture
def other_account_id(signup: Callable[..., UUID]) -> UUID:
    return signup()


@pytest.fixture
def refused(app: Portal) -> Callable[..., Exception]:
    """Runs a command that must be refused with `error`, checks it recorded nothing, answers the error."""

    def refused(error: type[Exception], command: Callable[..., object], *args: object) -> Exception:
        before = app.current_position()
        with pytest.raises(error) as raised:
            command(*args)
        assert app.current_position() == before
        return raised.value

    return refused


@pytest.fixture
def contact() -> dict[str, str]:
    return {"name": "Ann Example", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
            "country": "DE", "phone": "+49 30 1234567"}


@pytest.fixture
def card() -> dict[str, object]:
    return {"kind": "card", "brand": "visa", "last4": "4242", "expiry_month": 12, "expiry_year": 2031,
            "holder": "Ann Example"}


class Clock:
    """The domain's clock in a test: starts at a real moment and moves only when told."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Replaces `domain.store.now` in every domain module that imported it."""
    clock, real = Clock(), store.now
    for name, module in list(sys.modules.items()):
        if name.startswith("domain.") and getattr(module, "now", None) is real:
            monkeypatch.setattr(module, "now", clock)
    return clock


@pytest.fixture
def new_client_id() -> Callable[[], str]:
    """Random client ids as the remote-desktop software shows them: 9 or 10 digits."""
    return lambda: str(100_000_000 + secrets.randbelow(9_900_000_000))


@pytest.fixture
def register(app: Portal, account_id: UUID, new_client_id: Callable[[], str]) -> Callable[..., str]:
    """Registers a fresh (or the given) client with `account_id` (or another account); answers its id."""

    def register(account: UUID | None = None, client_id: str | None = None, version: str = "1.0",
                 platform: str = "linux") -> str:
        client_id = client_id or new_client_id()
        app.register_client(account or account_id, client_id, version, platform)
        return client_id

    return register


@pytest.fixture
def recorded(app: Portal) -> Callable[..., list]:
    """Runs a command and answers the domain events it recorded, in order."""

    def recorded(command: Callable[..., object], *args: object) -> list:
        before = app.current_position()
        command(*args)
        return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(before + 1, 1_000)]

    return recorded
