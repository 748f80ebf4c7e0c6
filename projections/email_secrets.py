"""Secret values of queued e-mails (a reset link, a new password, a code), kept outside the event store.

The e-mail's stored text holds `{name}` placeholders; the caller that queued it keeps the values here, and
the mailer reads them at send time and deletes them in the same transaction that records the hand-over.
"""

from typing import TypeAlias

import asyncpg
import msgspec

Executor: TypeAlias = asyncpg.Pool | asyncpg.Connection


async def keep_secrets(pool: Executor, email_id: str, values: dict[str, str]) -> None:
    await pool.execute("INSERT INTO email_secrets (email_id, secrets) VALUES ($1, $2::jsonb) "
                       "ON CONFLICT (email_id) DO UPDATE SET secrets = excluded.secrets",
                       email_id, msgspec.json.encode(values).decode())


async def secrets_of(conn: Executor, email_id: str) -> dict[str, str] | None:
    raw = await conn.fetchval("SELECT secrets::text FROM email_secrets WHERE email_id = $1", email_id)
    return None if raw is None else msgspec.json.decode(raw, type=dict[str, str])


async def forget_secrets(conn: Executor, email_id: str) -> None:
    await conn.execute("DELETE FROM email_secrets WHERE email_id = $1", email_id)
