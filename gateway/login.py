"""Logging in, below the HTTP layer: the throttle, the login's lookup, its password, whether it may log in, its
second factor, and the token. Each refusal is a named domain error that gateway/problems.py answers."""

import asyncpg
import msgspec

from domain.actor import Actor
from domain.application import Portal
from domain.errors import InvalidCredentials, LoginDisabled, SecondFactorRequired
from domain.user import User
from domain.i18n import N_
from gateway.consistency import command, off_loop
from gateway.identity import IssuedToken, issue_token, password_matches
from gateway.throttle import counted, record_failure, refuse_when_throttled


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    email: str  # normalised
    password: str
    code: str | None  # the authenticator's code, needed once two-factor authentication is on
    actor: Actor  # the request's (address, user agent, request id), as the login itself


async def log_in(portal: Portal, pool: asyncpg.Pool, attempt: Attempt, ttl_seconds: int) -> tuple[User, IssuedToken]:
    """The login and its new token, or a refusal; wrong passwords and codes count against the throttle."""
    address = attempt.actor.address or ""
    await refuse_when_throttled(pool, attempt.email, address)
    # The aggregate, not a view: the password hash and second-factor secret live only there.
    user = await off_loop(portal.find_login_or_none, attempt.email)
    if not await off_loop(password_matches, user.password_hash if user else None, attempt.password) or not user:
        await record_failure(pool, attempt.email, address)
        raise InvalidCredentials(N_("Wrong e-mail or password"))  # never say which
    if user.disabled or await off_loop(portal.account_disabled, user.account_id):
        raise LoginDisabled(N_("This login is disabled; contact your administrator"))
    if user.two_factor_secret is not None:
        if attempt.code is None:
            raise SecondFactorRequired(N_("Send the code of your authenticator app as `code`"), field="code")
        actor = msgspec.structs.replace(attempt.actor, role=user.role)
        await counted(pool, attempt.email, address, command(actor, portal.check_second_factor, user.id, attempt.code))
    token = await issue_token(pool, account_id=user.account_id, user_id=user.id, email=attempt.email,
                              role=user.role, platform_role=user.platform_role, ttl_seconds=ttl_seconds)
    return user, token
