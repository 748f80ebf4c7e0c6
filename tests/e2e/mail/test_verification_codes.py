"""The help desk's "send code" through HTTP, with a mailer writing the e-mail to a folder: the user gets 6
digits in the account's language, the desk learns only "verified" or not, five attempts lock a code even when
checked at once, sends are limited per user (429 + Retry-After), and the code is never stored in clear: not in
the event store, not in any read model row of the account, and gone from the outbox once sent."""

import asyncio
import re
from pathlib import Path
from uuid import UUID

import pytest

from domain.i18n import translated
from domain.user import User
from domain.verification_code import VerificationCode
from tests.e2e.api import Account, problem
from tests.e2e.people import Person, body_of, mail_in, staff_member
from tests.support import eventually

SUBJECT = "Your Portal verification code"


@pytest.fixture
async def desk(http, settings) -> Person:
    return await staff_member(http, settings, "help desk")


def code_url(account: Account) -> str:
    return f"/v1/helpdesk/users/{User.id_for(account.email)}/verification-code"


async def send_code(http, desk: Person, account: Account, mail_dir: Path, subject: str = SUBJECT) -> str:
    """Sends a code; answers the 6 digits as the user reads them in the e-mail."""
    before = {m["Message-ID"] for m in mail_in(mail_dir, account.email)}
    response = await http.post(code_url(account), headers=desk.auth)
    assert response.status_code == 200, response.text

    async def arrived() -> bool:
        return any(m["Message-ID"] not in before for m in mail_in(mail_dir, account.email))
    await eventually(arrived, what="the verification code e-mail")
    message = next(m for m in mail_in(mail_dir, account.email) if m["Message-ID"] not in before)
    assert message["Subject"] == subject
    return re.search(r"\b(\d{6})\b", body_of(message)).group(1)  # type: ignore[union-attr]


async def check(http, desk: Person, account: Account, code: str) -> dict:
    response = await http.post(f"{code_url(account)}/check", json={"code": code}, headers=desk.auth)
    assert response.status_code == 200, response.text
    return response.json()


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_caller_reads_back_the_code_and_the_desk_learns_only_verified(http, desk, account, mail_dir):
    code = await send_code(http, desk, account, mail_dir)

    assert await check(http, desk, account, wrong(code)) == {"verified": False, "attempts_left": 4}
    assert await check(http, desk, account, code) == {"verified": True, "attempts_left": 0}
    assert await check(http, desk, account, code) == {"verified": False, "attempts_left": 0}  # it worked once


async def test_the_code_goes_out_in_the_accounts_language(http, desk, account, mail_dir):
    changed = await http.patch("/v1/settings", json={"language": "de"}, headers=account.auth)
    assert changed.status_code == 200, changed.text

    await send_code(http, desk, account, mail_dir, subject=translated("de", SUBJECT))


async def test_five_wrong_attempts_lock_the_code_even_checked_at_once(http, desk, account, mail_dir):
    code = await send_code(http, desk, account, mail_dir)

    answers = await asyncio.gather(*[check(http, desk, account, wrong(code)) for _ in range(8)])

    assert sorted(a["attempts_left"] for a in answers) == [0, 0, 0, 0, 1, 2, 3, 4]
    assert await check(http, desk, account, code) == {"verified": False, "attempts_left": 0}


async def test_a_user_is_sent_three_codes_in_fifteen_minutes(http, desk, account, mail_dir):
    for _ in range(3):
        await send_code(http, desk, account, mail_dir)

    refused = await http.post(code_url(account), headers=desk.auth)

    problem(refused, 429)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60


async def test_the_code_is_never_stored_in_clear(http, desk, account, mail_dir, pool):
    code = await send_code(http, desk, account, mail_dir)  # sent: the outbox has forgotten it
    await check(http, desk, account, wrong(code))

    stored = await pool.fetchval("SELECT count(*) FROM portal_events WHERE originator_id = any($1::uuid[]) "
                                 "AND position($2::bytea in state) > 0", await aggregates_of(pool, account),
                                 code.encode())
    tables = await pool.fetch("SELECT table_name FROM information_schema.columns WHERE column_name = 'account_id' "
                              "AND table_schema = current_schema()")
    rows = {t["table_name"]: await pool.fetchval(
        f"SELECT count(*) FROM {t['table_name']} t WHERE account_id = $1 AND t::text LIKE $2",  # names from the catalog
        account.account_id, f"%{code}%") for t in tables}

    assert stored == 0
    assert {name: n for name, n in rows.items() if n} == {}
    assert await pool.fetchval("SELECT count(*) FROM email_secrets WHERE secrets::text LIKE $1", f"%{code}%") == 0


async def aggregates_of(pool, account: Account) -> list[UUID]:
    """The aggregates that could hold the code: the user's, its code's, the account's, and its e-mails' (once the
    sent code's e-mail is in the read model)."""
    async def sent() -> bool:
        return bool(await pool.fetchval("SELECT count(*) FROM emails WHERE account_id = $1 AND status = 'sent' "
                                        "AND template = 'verification_code'", account.account_id))
    await eventually(sent, what="the code's e-mail marked sent")
    emails = [UUID(r["email_id"]) for r in await pool.fetch("SELECT email_id FROM emails WHERE account_id = $1",
                                                            account.account_id)]
    user_id = User.id_for(account.email)
    return [user_id, VerificationCode.id_for(user_id), UUID(account.account_id), *emails]
