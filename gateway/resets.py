"""Password-reset links: made, e-mailed and spent. Not a controller: gateway/passwords.py sends them on request,
and the areas that create logins (members, staff, customers) send one as an invitation."""

import secrets
from datetime import UTC, datetime, timedelta
from uuid import UUID

import asyncpg

from domain.actor import Actor
from domain.application import Portal
from gateway.consistency import command, off_loop
from gateway.identity import digest
from gateway.throttle import reset_mail_allowed
from projections.email_secrets import keep_secrets

RESET_VALID = timedelta(minutes=60)


async def send_reset_link(portal: Portal, pool: asyncpg.Pool, public_url: str, actor: Actor, email: str,
                          template: str = "password_reset") -> int | None:
    """Runs after the answer is sent, so the answer's timing never tells whether the address has a login.
    `template` "invitation" greets someone whose login was just made for them. Answers the e-mail's position."""
    # The login's password state and disabled flag are the aggregate's: the check that lets a link be made.
    user = await off_loop(portal.find_login_or_none, email)
    if user is None or user.disabled or await off_loop(portal.account_disabled, user.account_id):
        return None
    token = secrets.token_urlsafe(32)
    await pool.execute("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
                       digest(token), user.id, datetime.now(UTC) + RESET_VALID)
    email_id, position = await command(actor, portal.queue_email, user.account_id, email, template,
                                       {"name": user.name, "expires_minutes": str(RESET_VALID.seconds // 60)},
                                       ("reset_url",))
    await keep_secrets(pool, email_id, {"reset_url": f"{public_url}/reset-password?token={token}"})
    return position


async def send_invitation(portal: Portal, pool: asyncpg.Pool, public_url: str, actor: Actor, email: str,
                          position: int) -> int:
    """The invitation to a login just made at `position`; sent before the answer, which carries the e-mail's
    position instead (the later one), so that a read at the answered position shows the e-mail too."""
    return await send_reset_link(portal, pool, public_url, actor, email, "invitation") or position


async def send_limited_reset_link(portal: Portal, pool: asyncpg.Pool, public_url: str, actor: Actor, email: str,
                                  address: str) -> None:
    if await reset_mail_allowed(pool, email, address):
        await send_reset_link(portal, pool, public_url, actor, email)


async def spend_reset_links(pool: asyncpg.Pool, user_id: UUID) -> None:
    """Every outstanding link of the user stops working: one was used, or the password changed anyway."""
    await pool.execute("UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL",
                       user_id)


async def spend_reset_link(pool: asyncpg.Pool, token: str) -> bool:
    """Use the link once: False when a concurrent request spent it first."""
    return await pool.fetchval("UPDATE password_resets SET used_at = now() WHERE token_hash = $1 "
                               "AND used_at IS NULL RETURNING true", digest(token)) is not None


async def reset_link_user(pool: asyncpg.Pool, token: str) -> UUID | None:
    """The user of an unused, unexpired link."""
    user_id = await pool.fetchval(
        "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()",
        digest(token))
    return None if user_id is None else UUID(bytes=user_id.bytes)
