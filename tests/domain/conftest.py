"""Shared fixtures for the domain tests: a Portal on in-memory persistence and fresh accounts in it."""

from collections.abc import Callable
from uuid import UUID, uuid4

import pytest

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
