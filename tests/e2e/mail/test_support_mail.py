"""The whole support flow with its e-mails: the configured help-desk address hears of each request and each
customer message, the customer of each answer (a mailer writes them to a folder)."""

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest

from tests.e2e.people import body_of, mail_in, mail_to, staff_member
from tests.e2e.support import REQUEST, open_request, seen
from tests.support import eventually, running_service
from workers.config import Settings

DESK = f"desk-{uuid4().hex[:8]}@support.test"


@pytest.fixture(scope="module")
async def gateway(settings: Settings, mail_dir: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    env = {"PORTAL_MAIL_DIR": str(mail_dir), "PORTAL_SMTP_URL": "", "PORTAL_SUPPORT_EMAIL": DESK}
    async with running_service(settings, tmp_path_factory.mktemp("stack"), ("relay", "projector", "mailer"),
                               env) as base:
        yield base


async def test_a_request_answered_and_closed_mails_both_ways(http, settings, account, mail_dir: Path):
    help_desk = await staff_member(http, settings, "help desk")
    opened = await open_request(http, account.token)
    number = opened["number"]
    to_desk = await mail_to(mail_dir, DESK, f"Support request {number}: {REQUEST['subject']}")
    assert "Since Monday." in body_of(to_desk)

    answered = await http.post(f"/v1/helpdesk/support/requests/{opened['request_id']}/messages",
                               json={"message": "Please update to version 9.", "status": "waiting_for_customer"},
                               headers=help_desk.auth)
    assert answered.status_code == 200, answered.text
    to_customer = await mail_to(mail_dir, account.email, f"Our answer to your support request {number}")
    assert "Please update to version 9." in body_of(to_customer)

    path = f"/v1/support/requests/{opened['request_id']}"
    written = await http.post(f"{path}/messages", json={"message": "Updated, it works now."}, headers=account.auth)
    assert written.status_code == 200, written.text

    async def desk_heard_again() -> bool:
        return any("Updated, it works now." in body_of(m) for m in mail_in(mail_dir, DESK))
    await eventually(desk_heard_again, what="the customer's answer e-mailed to the help desk")
    closed = await http.patch(path, json={"status": "closed"}, headers=account.auth)

    shown = (await seen(http, account.token, path, closed.json()["position"])).json()
    assert shown["status"] == "closed"
    assert [(m["author"], m["body"]) for m in shown["thread"]] == [
        ("customer", REQUEST["message"]), ("staff", "Please update to version 9."),
        ("customer", "Updated, it works now.")]
