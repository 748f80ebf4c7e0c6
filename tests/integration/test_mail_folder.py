"""Without PORTAL_SMTP_URL the mailer keeps each e-mail as an .eml file in PORTAL_MAIL_DIR, where a developer
reads it (what `portal dev` does), and the emails read model shows it sent."""

import email
from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest

from projections.emails import emails_to
from tests.support import Roles, eventually
from workers.config import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
async def mail_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Path]:
    folder = tmp_path_factory.mktemp("mail")
    roles = Roles(settings, tmp_path_factory.mktemp("mail-roles"))
    roles.env.pop("PORTAL_SMTP_URL", None)
    roles.env["PORTAL_MAIL_DIR"] = str(folder)
    for role in ("relay", "projector", "mailer"):
        roles.start(role)
    yield folder
    assert all(p.poll() is None for p in roles.running), "a role exited early; see its log"
    roles.stop_all()


async def test_an_email_lands_in_the_mail_folder_and_shows_as_sent(portal, pool, mail_dir):
    account_id, address = uuid4(), f"{uuid4().hex}@folder.test"
    email_id, _ = portal.queue_email(account_id, address, "verification_code", {"name": "Ann", "code": "493021"})
    file = mail_dir / f"{email_id}.eml"

    async def shown_sent() -> bool:
        rows = await emails_to(pool, address)
        return file.exists() and [r.status for r in rows] == ["sent"]
    # A new mailer first works through every e-mail the session queued before this one (invoices with PDFs).
    await eventually(shown_sent, timeout=180, what="the e-mail in the folder and the read model")

    message = email.message_from_bytes(file.read_bytes())
    assert (message["To"], message["Subject"]) == (address, "Your Portal verification code")
    assert "493021" in message.get_payload(decode=True).decode()
