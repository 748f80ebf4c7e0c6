"""Crypto-shredding in the event store (workers/shredding.py) on real PostgreSQL: personal fields are sealed
at rest and on the stream, events stored before sealing still read (and are published sealed), and a destroyed
key leaves them erased but replayable."""

from collections.abc import Iterator
from uuid import UUID, uuid4

import asyncpg
import msgspec
import pytest

from domain.application import Portal
from domain.contract import to_public
from domain.history import account_log
from domain.support_request import SupportRequest
from workers.config import Settings, event_store_env
from workers.shredding import StreamKeys

PHONE = "+34 611 222 333"


@pytest.fixture
def unsealed(settings: Settings) -> Iterator[Portal]:
    """The application as it stored events before crypto-shredding existed: one plain mapper."""
    app = Portal(env={**event_store_env(settings.database_url), "MAPPER_TOPIC": "", "CIPHER_TOPIC": ""})
    yield app
    app.close()


def customer(app: Portal) -> tuple[UUID, str, str]:
    email, name = f"{uuid4().hex}@shred.test", f"Zoë {uuid4().hex[:10]}"
    account_id, number, _ = app.open_account(email, name, "argon2id$not-a-real-hash")
    app.change_contact(account_id, name=name, street="Calle Mayor 7", postal_code="28013", city="Madrid",
                       country="ES", phone=PHONE)
    return account_id, email, number


async def stored_state(pool: asyncpg.Pool, account_id: UUID) -> bytes:
    rows = await pool.fetch("SELECT state FROM portal_events WHERE originator_id = $1", account_id)
    return b"".join(r["state"] for r in rows)


async def test_personal_fields_are_sealed_at_rest(portal: Portal, pool):
    account_id, email, _ = customer(portal)

    state = await stored_state(pool, account_id)

    assert email.encode() not in state and PHONE.encode() not in state and b"Calle Mayor" not in state
    assert str(account_id).replace("-", "").encode() in state  # the account id stays in the clear
    assert portal.account(account_id).contact["phone"] == PHONE


async def test_events_stored_before_sealing_still_read(portal: Portal, unsealed: Portal, pool):
    account_id, email, _ = customer(unsealed)
    assert email.encode() in await stored_state(pool, account_id)

    assert portal.account(account_id).email == email


def test_after_the_key_is_destroyed_the_fields_read_as_erased(portal: Portal, settings: Settings):
    account_id, _, number = customer(portal)
    portal.delete_customer(account_id, number)

    portal.shred(account_id, [account_id])

    fresh = Portal(env=event_store_env(settings.database_url))  # another process: nothing of it cached
    try:
        account = fresh.account(account_id)
        assert (account.email, account.contact["phone"], account.deleted) == ("[erased]", "[erased]", True)
        assert all(getattr(e, "email", "[erased]") == "[erased]" for _, e in account_log(fresh, account_id))
    finally:
        fresh.close()



async def test_support_subjects_and_messages_are_sealed_at_rest(portal: Portal, pool):
    account_id, _, _ = customer(portal)
    subject, message = f"Printer {uuid4().hex}", f"It jams {uuid4().hex}"
    request_id, _, _ = portal.open_support_request(account_id, subject, "other", message, "desk@shred.test")
    portal.answer_support_request(account_id, request_id, f"Reply {message}", "answered")
    rows = await pool.fetch("SELECT e.state FROM portal_events e WHERE e.originator_id = $1 OR e.state LIKE $2",
                            SupportRequest.id_for(request_id), b"%" + account_id.hex.encode() + b"%")

    state = b"".join(r["state"] for r in rows)  # the request and the e-mails about it

    assert subject.encode() not in state and message.encode() not in state
    assert portal.support_request(account_id, request_id).subject == subject
def published(app: Portal, account_id: UUID) -> list[bytes]:
    """The account's events as the relay publishes them."""
    read = app.mapper.to_published_event  # type: ignore[attr-defined]
    return [msgspec.json.encode(to_public(e)) for _, e in account_log(app, account_id, read=read)]


async def opened(pool: asyncpg.Pool, keys: StreamKeys, bodies: list[bytes]) -> bytes:
    async with pool.acquire() as conn:
        return b"".join([await keys.open(conn, body) for body in bodies])


async def test_published_events_carry_the_stored_ciphertext_which_projectors_open(portal: Portal, pool, keys):
    account_id, email, _ = customer(portal)

    bodies = published(portal, account_id)

    assert not any(email.encode() in b or PHONE.encode() in b for b in bodies)
    assert published(portal, account_id) == bodies  # the very same bytes each time: rebuilds equal the stream
    assert email.encode() in await opened(pool, keys, bodies) and PHONE.encode() in await opened(pool, keys, bodies)


async def test_events_stored_in_the_clear_are_published_sealed_all_the_same(portal: Portal, unsealed: Portal, pool,
                                                                             keys):
    account_id, email, _ = customer(unsealed)

    bodies = published(portal, account_id)

    assert not any(email.encode() in b for b in bodies) and published(portal, account_id) == bodies
    assert email.encode() in await opened(pool, keys, bodies)


async def test_once_the_key_is_destroyed_published_fields_open_as_erased(portal: Portal, pool):
    account_id, email, number = customer(portal)
    bodies = published(portal, account_id)
    portal.delete_customer(account_id, number)

    portal.shred(account_id, [account_id])

    shown = await opened(pool, StreamKeys.from_env(), bodies)  # a projector that never saw the key
    assert email.encode() not in shown and b'"email":"[erased]"' in shown
