"""The mailer as real processes (`portal mailer`, two replicas) sending through a real SMTP exchange with a
test server: each e-mail once, secrets filled in only at send time, bounces suppress the address."""

import asyncio
from collections.abc import AsyncIterator
from uuid import UUID, uuid4

import asyncpg
import pytest

from domain import email_commands
from domain.application import Portal
from domain.email import Email
from projections.email_secrets import keep_secrets
from tests.integration.smtp_sink import SmtpSink
from tests.support import Roles, eventually
from workers.config import Settings

pytestmark = pytest.mark.slow

RESET_URL = "https://portal.test/reset?token=very-secret-Zq3"


@pytest.fixture(scope="module")
async def sink(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[SmtpSink]:
    """A test SMTP server, with a relay, a projector and two mailer replicas sending through it."""
    sink = SmtpSink()
    await sink.start()
    roles = Roles(settings, tmp_path_factory.mktemp("mailer"))
    roles.env["PORTAL_SMTP_URL"] = f"smtp://127.0.0.1:{sink.port}?tls=off"
    for role in ("relay", "projector", "mailer", "mailer"):
        roles.start(role)
    yield sink
    assert all(p.poll() is None for p in roles.running), "a role exited early; see its log"
    roles.stop_all()
    await sink.stop()


def new_address() -> str:
    return f"{uuid4().hex}@mailer.test"


async def settled(portal: Portal, account_id: UUID, email_id: str, status: str) -> Email:
    """The e-mail once the event store records `status` for it."""
    async def reached() -> bool:
        return (await asyncio.to_thread(portal.email, account_id, email_id)).status == status
    await eventually(reached, what=f"e-mail {email_id} to be {status}")
    return await asyncio.to_thread(portal.email, account_id, email_id)


async def test_two_mailers_send_each_email_once(portal, sink):
    account_id, addresses = uuid4(), [new_address() for _ in range(20)]
    queued = [portal.queue_email(account_id, a, "welcome", {"name": "Ann"})[0] for a in addresses]

    mails = [await settled(portal, account_id, email_id, "sent") for email_id in queued]

    assert all(m.version == 2 for m in mails)  # Queued, then exactly one Sent
    assert [len(sink.to(a)) for a in addresses] == [1] * len(addresses)


async def test_a_secret_is_filled_in_at_send_time_then_forgotten(portal, pool: asyncpg.Pool, sink):
    account_id, address = uuid4(), new_address()
    email_id, _ = portal.queue_email(account_id, address, "password_reset", {}, ("reset_url",))
    await keep_secrets(pool, email_id, {"reset_url": RESET_URL})

    await settled(portal, account_id, email_id, "sent")

    (sent,) = sink.to(address)
    assert RESET_URL in sent.get_payload(decode=True).decode()
    assert await pool.fetchval("SELECT count(*) FROM email_secrets WHERE email_id = $1", email_id) == 0
    stored = portal.recorder.select_events(Email.id_for(email_id))
    assert all(RESET_URL.encode() not in e.state for e in stored)


async def test_a_bounce_suppresses_the_address_and_its_next_email(portal, sink):
    account_id, address = uuid4(), new_address()
    sink.refused.add(address)
    first, _ = portal.queue_email(account_id, address, "welcome", {})

    bounced = await settled(portal, account_id, first, "bounced")
    second, _ = portal.queue_email(account_id, address, "welcome", {})
    await settled(portal, account_id, second, "suppressed")

    assert bounced.reason.startswith("550")
    assert portal.is_suppressed(address)
    assert sink.to(address) == []


async def test_clearing_a_suppression_lets_mail_through(portal, sink):
    account_id, address = uuid4(), new_address()
    portal.suppress_address(address, "complaint")
    held, _ = portal.queue_email(account_id, address, "welcome", {})
    await settled(portal, account_id, held, "suppressed")

    portal.clear_suppression(address, "helpdesk@portal.test")
    email_id, _ = portal.queue_email(account_id, address, "welcome", {})

    await settled(portal, account_id, email_id, "sent")
    assert len(sink.to(address)) == 1


async def test_an_email_handed_over_before_a_crash_is_recorded_not_sent_again(portal, pool, sink, monkeypatch):
    account_id, address, chosen = uuid4(), new_address(), uuid4()
    monkeypatch.setattr(email_commands, "uuid4", lambda: chosen)  # so the hand-over can be written first
    # What a mailer killed between its commit and recording Sent leaves behind: the hand-over, no Sent.
    await pool.execute("INSERT INTO email_outbox (email_id, account_id, delivered_at) VALUES ($1, $2, now())",
                       str(chosen), account_id)

    email_id, _ = portal.queue_email(account_id, address, "welcome", {})

    await settled(portal, account_id, email_id, "sent")
    assert sink.to(address) == []
