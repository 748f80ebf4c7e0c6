"""Helpers for the identity tests: people of an account or of the platform logging in, their e-mail in the
mail folder, authenticator codes, and a whole running service with a mailer that writes to a folder."""

import asyncio
import email
import email.policy
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from uuid import UUID

import asyncpg
import httpx

from domain.application import Portal
from domain.totp import code_at, current_step
from gateway.identity import hash_password
from tests.e2e.api import PASSWORD, Account, new_email
from tests.support import eventually
from workers.config import Settings
from workers.staff import add_staff

TEST_ADDRESS = "127.0.0.1"  # every test request comes from here: one key of the per-address login limit


def new_address() -> str:
    """A client address of its own (198.18.0.0/15, for tests), sent through the trusted local proxy."""
    return f"198.{18 + secrets.randbelow(2)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"


def forwarded(address: str | None) -> dict[str, str]:
    """Headers of a request from `address`, as the trusted proxy at 127.0.0.1 forwards it (None: from there)."""
    return {"X-Forwarded-For": address} if address else {}


@dataclass(frozen=True)
class Person:
    """Someone logged in: an account's owner or member, or platform staff."""

    email: str
    account_id: str
    user_id: str
    role: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return bearer(self.token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def log_in(http: httpx.AsyncClient, email_address: str, password: str = PASSWORD,
                 code: str | None = None, address: str | None = None) -> httpx.Response:
    body = {"email": email_address, "password": password, **({"code": code} if code else {})}
    return await http.post("/v1/auth/login", json=body, headers=forwarded(address))


async def logged_in(http: httpx.AsyncClient, email_address: str, password: str = PASSWORD,
                    code: str | None = None, address: str | None = None) -> Person:
    response = await log_in(http, email_address, password, code, address)
    assert response.status_code == 200, response.text
    body = response.json()
    return Person(email=email_address, account_id=body["account_id"], user_id=body["user_id"], role=body["role"],
                  token=body["token"])


async def added_member(http: httpx.AsyncClient, owner: Account) -> tuple[str, str, int]:
    """The owner adds a member (POST /v1/users); answers the member's e-mail, user id and event position."""
    address = new_email()
    response = await http.post("/v1/users", json={"email": address, "name": "Max Member"}, headers=owner.auth)
    assert response.status_code == 201, response.text
    return address, response.json()["user_id"], response.json()["position"]


async def member_of(http: httpx.AsyncClient, portal: Portal, owner: Account) -> Person:
    """A member of the owner's account, logged in. Their password is set through the domain (the e-mailed link
    is what test_identity_members proves); the rest goes through HTTP."""
    address, user_id, _ = await added_member(http, owner)
    await asyncio.to_thread(portal.change_password, UUID(user_id), hash_password(PASSWORD))
    return await logged_in(http, address)


async def staff_member(http: httpx.AsyncClient, settings: Settings, role: str) -> Person:
    """A platform staff login created as `portal staff add` does, logged in."""
    address = new_email()
    _, created = await asyncio.to_thread(add_staff, settings, address, "Sam Staff", role, PASSWORD)
    assert created
    return await logged_in(http, address)


def authenticator_code(secret: str, ahead: int = 0) -> str:
    """What the user's authenticator app shows now (or `ahead` steps later: each code works only once)."""
    return code_at(secret, current_step(datetime.now(UTC)) + ahead)


async def forget_address_failures(pool: asyncpg.Pool, since: datetime) -> None:
    """Every test shares one client address: failures a test caused must not lock the next tests out."""
    await pool.execute("DELETE FROM login_failures WHERE scope = 'address' AND key = $1 AND failed_at >= $2",
                       TEST_ADDRESS, since)


# E-mail, as the mailer leaves it in the folder

def mail_in(folder: Path, address: str) -> list[EmailMessage]:
    found = []
    for file in folder.glob("*.eml"):
        message = email.message_from_bytes(file.read_bytes(), policy=email.policy.default)
        if message["To"] == address:
            found.append(message)
    return found  # type: ignore[return-value]


async def mail_to(folder: Path, address: str, subject: str) -> EmailMessage:
    """The e-mail with this subject to this address, once the mailer has written it."""
    async def arrived() -> bool:
        return any(m["Subject"] == subject for m in mail_in(folder, address))
    await eventually(arrived, what=f"an e-mail '{subject}' to {address}")
    return next(m for m in mail_in(folder, address) if m["Subject"] == subject)


def body_of(message: EmailMessage) -> str:
    return message.get_content()  # type: ignore[no-any-return]


def reset_token(message: EmailMessage) -> str:
    """The token of the reset link in a password reset e-mail."""
    link = re.search(r"/reset-password\?token=(\S+)", body_of(message))
    assert link, body_of(message)
    return link.group(1)


RESET_SUBJECT = "Reset your Portal password"
INVITATION_SUBJECT = "You have been invited to Portal"  # a login made for someone: they choose its password
NEW_PASSWORD_SUBJECT = "Your new Portal password"


