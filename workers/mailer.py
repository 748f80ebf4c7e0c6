"""The mailer: sends every queued e-mail once, records what happened, and keeps suppressed addresses unmailed.

Candidates come from the `emails` read model (it may lag; the event store decides). Each e-mail is claimed
with a row lock on its `email_outbox` row (`FOR UPDATE SKIP LOCKED`), so two replicas never work on the
same e-mail at once; under the claim the mailer re-reads the e-mail from the event store, checks the
suppression list, fills in the secrets, hands the message over and writes `delivered_at` in the same
transaction that deletes the secrets. Recording `Sent` follows the commit: a crash in between leaves
`delivered_at` set, and the next pass only records.

The one remaining window is at-least-once, and SMTP cannot close it (it has no idempotency key): a crash
after the server accepted the message but before `delivered_at` commits sends it again. The Message-ID is
the same on both copies, so many receivers show it once. Writing to a folder overwrites the same file.
"""

import asyncio
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from domain.actor import Actor, acting
from domain.application import Portal
from domain.email import QUEUED, Email
from domain.email_templates import fill_secrets
from gateway.invoice_pdf import pdf_of
from projections.email_secrets import forget_secrets, secrets_of
from workers.config import Settings, event_store_env
from workers.mail_transport import Bounced, Transport, TryLater, message, sender_from, transport_from
from workers.stream import pause

TICK = 0.5  # seconds between looks at an idle queue
BATCH = 100
SECRET_GRACE = timedelta(minutes=10)  # the caller stores an e-mail's secrets right after queueing it
SECRET_POLL = timedelta(seconds=1)
GIVE_UP = timedelta(days=1)  # temporary failures this long after queueing make the e-mail fail
ACTOR = Actor(kind="system", name="mailer")

log = logging.getLogger("portal.mailer")

CANDIDATES = """SELECT e.account_id, e.email_id FROM emails e LEFT JOIN email_outbox o USING (email_id)
                WHERE e.status = 'queued' AND (o.email_id IS NULL OR o.next_attempt_at <= now())
                ORDER BY e.queued_at LIMIT $1"""


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(30 * 2 ** attempts, 3_600))


def masked(address: str) -> str:
    """Enough of the recipient for a person reading the log to tell e-mails apart, never the whole address:
    logs are no place for personal data (`ann@example.com` → `a***@example.com`)."""
    local, _, domain = address.rpartition("@")
    return f"{local[:1]}***@{domain}"


class Mailer:
    def __init__(self, pool: asyncpg.Pool, portal: Portal, transport: Transport, sender: str) -> None:
        self.pool = pool
        self.portal = portal
        self.transport = transport
        self.sender = sender

    async def record(self, command: Callable[..., int], *args: object) -> None:
        def run() -> None:
            with acting(ACTOR):
                command(*args)
        await asyncio.to_thread(run)

    async def sweep(self) -> int:
        """One pass over the queue; answers how many e-mails were examined."""
        candidates = await self.pool.fetch(CANDIDATES, BATCH)
        for row in candidates:
            # asyncpg's own UUID type would leak into events; the domain takes the standard library's.
            await self.deliver(UUID(bytes=row["account_id"].bytes), row["email_id"])
        return len(candidates)

    async def deliver(self, account_id: UUID, email_id: str) -> None:
        await self.pool.execute("INSERT INTO email_outbox (email_id, account_id) VALUES ($1, $2) "
                                "ON CONFLICT DO NOTHING", email_id, account_id)
        async with self.pool.acquire() as conn, conn.transaction():
            claim = await conn.fetchrow("SELECT attempts, delivered_at FROM email_outbox WHERE email_id = $1 "
                                        "AND next_attempt_at <= now() FOR UPDATE SKIP LOCKED", email_id)
            if claim is None:
                return  # another replica holds it, or it waits for its next attempt
            mail = await asyncio.to_thread(self.portal.email, account_id, email_id)
            handed_over = claim["delivered_at"] is not None or await self.attempt(conn, mail, claim["attempts"])
        if handed_over and mail.status == QUEUED:
            await self.record(self.portal.mark_sent, account_id, email_id)
            log.info("e-mail sent", extra={"email_id": email_id, "template": mail.template,
                                           "to": masked(mail.to), "via": self.transport.where})

    async def attempt(self, conn: asyncpg.Connection, mail: Email, attempts: int) -> bool:
        """Under the claim: send unless the e-mail is done, suppressed or waiting; True once handed over."""
        if mail.status != QUEUED:
            await self.close(conn, mail)
            return False
        if await asyncio.to_thread(self.portal.is_suppressed, mail.to):
            await self.record(self.portal.mark_suppressed, mail.account_id, mail.email_id)
            await self.close(conn, mail)
            return False
        secrets = await secrets_of(conn, mail.email_id) or {}
        if missing := set(mail.secret_params) - set(secrets):
            return await self.retry_or_fail(conn, mail, f"waiting for {', '.join(sorted(missing))}",
                                            SECRET_GRACE, SECRET_POLL)
        outgoing = message(mail.email_id, self.sender, mail.to, fill_secrets(mail.subject, secrets),
                           fill_secrets(mail.body, secrets), await asyncio.to_thread(self.attachments, mail))
        try:
            await asyncio.to_thread(self.transport.send, outgoing)
        except Bounced as bounce:
            await self.record(self.portal.mark_bounced, mail.account_id, mail.email_id, bounce.reason)
            await self.close(conn, mail)
            return False
        except TryLater as failure:
            log.warning("e-mail not sent yet", extra={"email_id": mail.email_id, "reason": failure.reason})
            return await self.retry_or_fail(conn, mail, failure.reason, GIVE_UP, backoff(attempts))
        await conn.execute("UPDATE email_outbox SET delivered_at = now(), attempts = attempts + 1 "
                           "WHERE email_id = $1", mail.email_id)
        await forget_secrets(conn, mail.email_id)
        return True

    def attachments(self, mail: Email) -> tuple[tuple[str, bytes], ...]:
        """The e-mail's attachments, rendered now from the event store (`invoice:<id>`: its PDF)."""
        files = []
        for reference in mail.attachments:
            kind, _, invoice_id = reference.partition(":")
            if kind == "invoice":
                invoice = self.portal.invoice(mail.account_id, UUID(invoice_id))
                files.append((f"{invoice.number}.pdf", pdf_of(self.portal, mail.account_id, invoice.id)))
        return tuple(files)

    async def retry_or_fail(self, conn: asyncpg.Connection, mail: Email, reason: str, patience: timedelta,
                            delay: timedelta) -> bool:
        if datetime.now(UTC) - mail.queued_at > patience:
            await self.record(self.portal.mark_failed, mail.account_id, mail.email_id, reason)
            await self.close(conn, mail)
            return False
        await conn.execute("UPDATE email_outbox SET attempts = attempts + 1, last_error = $2, "
                           "next_attempt_at = now() + $3 WHERE email_id = $1",
                           mail.email_id, reason, delay)
        return False

    async def close(self, conn: asyncpg.Connection, mail: Email) -> None:
        """The e-mail is done with (bounced, suppressed, failed): its bookkeeping and secrets go."""
        await conn.execute("DELETE FROM email_outbox WHERE email_id = $1", mail.email_id)
        await forget_secrets(conn, mail.email_id)

    async def tidy(self) -> None:
        """Forget delivered e-mails' bookkeeping once the read model has surely caught up, and secrets that
        no e-mail will use (their e-mail was never recorded, or its links have long expired)."""
        await self.pool.execute("DELETE FROM email_outbox WHERE delivered_at < now() - interval '1 day'")
        await self.pool.execute("DELETE FROM email_secrets WHERE created_at < now() - interval '1 day'")


async def run(settings: Settings, stop: asyncio.Event) -> None:
    transport = transport_from(os.environ)
    pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=4)
    portal = Portal(env=event_store_env(settings.database_url))
    mailer = Mailer(pool, portal, transport, sender_from(os.environ))
    log.info("mailer sending through %s", transport.where)
    try:
        while not stop.is_set():
            if await mailer.sweep() < BATCH:
                await mailer.tidy()
                await pause(stop, TICK)
    finally:
        await pool.close()
        portal.close()
