"""Text holding U+0000, which PostgreSQL's text and jsonb cannot store, recorded behind the gateway's back
(as events stored before the gateway and the domain refused it were): every read model shows it as U+FFFD,
equals its rebuild, and the account's audit chain still verifies against the event store."""

import asyncio
from dataclasses import dataclass
from unittest.mock import patch
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain.application import Portal
from projections.audit import verify_chain
from projections.positions import READ_MODELS, position
from projections.rebuild import verify
from tests.support import Roles, eventually
from workers.config import Settings


@dataclass
class Recorded:
    account_id: UUID
    client_id: str
    session_id: str
    email_id: str


def record_nul_text(portal: Portal) -> Recorded:
    # The domain now refuses such a name too; events stored before it did must still project.
    with patch("domain.customer_commands.plain_text", lambda value, field: value):
        account_id = portal.open_account(f"{uuid4().hex}@nul.test", "Ann\x00Example", "not-a-hash")[0]
    portal.change_contact(account_id, name="Ann\x00", street="Haupt\x00straße 1", postal_code="10115",
                          city="Berlin", country="DE", phone="")
    portal.upgrade_license(account_id, "professional")
    client_id, peer = "100000001", "200000002"
    portal.register_client(account_id, client_id, "9.0.1", "linux")
    portal.comment_client(account_id, client_id, "desk\x00by the window")
    session_id, _ = portal.start_session(account_id, client_id, peer)
    portal.comment_session(account_id, session_id, "helped\x00Ann")
    email_id, _ = portal.queue_email(account_id, "ann@nul.test", "notice", {"subject": "Hi\x00", "message": "m"})
    return Recorded(account_id, client_id, session_id, email_id)


@pytest.fixture(scope="module")
async def recorded(portal: Portal, pool: asyncpg.Pool, settings: Settings,
                   tmp_path_factory: pytest.TempPathFactory) -> Recorded:
    roles = Roles(settings, tmp_path_factory.mktemp("nul"))
    roles.start("relay")
    roles.start("projector")
    try:
        done = await asyncio.to_thread(record_nul_text, portal)
        head = portal.current_position()

        async def projected() -> bool:
            return all([await position(pool, m.name) >= head for m in READ_MODELS])

        await eventually(projected, timeout=90, what=f"every read model to reach position {head}")
        return done
    finally:
        roles.stop_all()


async def test_nul_in_text_is_shown_as_the_replacement_character(pool: asyncpg.Pool, recorded: Recorded) -> None:
    account = recorded.account_id
    assert await pool.fetchval("SELECT contact_name FROM license_tab WHERE account_id = $1", account) == "Ann\ufffd"
    assert await pool.fetchval("SELECT street FROM license_tab WHERE account_id = $1", account) == "Haupt\ufffdstraße 1"
    assert await pool.fetchval("SELECT name FROM users WHERE account_id = $1", account) == "Ann\ufffdExample"
    assert await pool.fetchval("SELECT comment FROM clients WHERE account_id = $1 AND client_id = $2",
                               account, recorded.client_id) == "desk\ufffdby the window"
    assert await pool.fetchval("SELECT comment FROM sessions WHERE account_id = $1 AND session_id = $2",
                               account, recorded.session_id) == "helped\ufffdAnn"
    assert await pool.fetchval("SELECT subject FROM emails WHERE account_id = $1 AND email_id = $2",
                               account, recorded.email_id) == "Hi\ufffd"


async def test_the_audit_trail_keeps_nul_text_as_the_replacement_character(pool: asyncpg.Pool,
                                                                          recorded: Recorded) -> None:
    names = await pool.fetch("SELECT body->>'name' AS name FROM audit_trail WHERE account_id = $1 "
                             "AND event_type IN ('AccountOpened', 'AccountContactChanged') ORDER BY position",
                             recorded.account_id)
    assert [r["name"] for r in names] == ["Ann\ufffdExample", "Ann\ufffd"]


async def test_read_models_holding_nul_text_equal_their_rebuild(pool: asyncpg.Pool, portal: Portal,
                                                               recorded: Recorded) -> None:
    for model in READ_MODELS:
        assert await verify(pool, portal, model) == [], model.name


async def test_the_audit_chain_of_an_account_with_nul_text_verifies(pool: asyncpg.Pool, portal: Portal,
                                                                   recorded: Recorded) -> None:
    report = await verify_chain(pool, portal, recorded.account_id)

    assert (report.intact, report.first_break) == (True, None)
    assert report.checked >= 9  # every event recorded above
