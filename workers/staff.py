"""`portal staff add`: create a platform staff login (administrator, reseller, help desk, auditor)."""

import secrets

from domain.actor import Actor, acting
from domain.application import Portal
from domain.errors import EmailTaken, InvalidValue
from domain.user_commands import PLATFORM_ACCOUNT
from gateway.fields import checked_email
from gateway.identity import hash_password
from workers.config import Settings, event_store_env


def add_staff(settings: Settings, email: str, name: str, role: str, password: str | None) -> tuple[str, bool]:
    """Answers the password to hand over and whether the login was created (False: it existed already)."""
    try:
        email = checked_email(email)
    except ValueError as e:
        raise InvalidValue(f"email: {e}", field="email") from None
    password = password or secrets.token_urlsafe(12)
    portal = Portal(env=event_store_env(settings.database_url))
    try:
        with acting(Actor(kind="system", name="portal staff add")):
            portal.add_user(PLATFORM_ACCOUNT, email, name, hash_password(password), role)
        return password, True
    except EmailTaken:
        return password, False
    finally:
        portal.close()
