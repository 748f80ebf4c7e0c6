"""Collecting invoices on the running service: the timers' payment sweep charges the sandbox's test cards; a
declined card goes through its retries to uncollectible, e-mailing the holder each time, and the License tab
says the payment is overdue; a credit note refunds a paid invoice without changing it."""

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from domain.payments import SandboxProvider
from tests.e2e.api import CARD, command, license_tab, problem
from tests.e2e.invoices import invoices, upgraded
from tests.e2e.people import Person, staff_member
from tests.integration.test_timers import clock_at
from tests.support import eventually
from workers.collection import collect
from workers.timers import payment_sweep

SANDBOX = SandboxProvider()


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


async def paying_by(http, account, card_number: str) -> dict:
    await command(http, account, "PUT", "/v1/account/payment", {**CARD, "card_number": card_number})
    return await upgraded(http, account, "lite")


async def status_of(http, account, invoice_id: str) -> str:
    return (await http.get(f"/v1/invoices/{invoice_id}", headers=account.auth)).json()["status"]


async def becomes(http, account, invoice_id: str, status: str) -> None:
    async def reached() -> bool:
        return await status_of(http, account, invoice_id) == status
    await eventually(reached, what=f"the invoice to be {status}")


async def has_template(pool, account_id: str, template: str) -> bool:
    return template in await templates(pool, account_id)


async def templates(pool, account_id: str) -> list[str]:
    rows = await pool.fetch("SELECT template FROM emails WHERE account_id = $1 ORDER BY queued_at", UUID(account_id))
    return [r["template"] for r in rows]


async def test_the_payment_sweep_charges_a_good_card_and_the_invoice_is_paid(http, account, pool, portal):
    invoice = await paying_by(http, account, "4242 4242 4242 4242")

    await payment_sweep(pool, portal, SANDBOX, datetime.now(UTC))

    await becomes(http, account, invoice["invoice_id"], "paid")


async def test_a_declined_card_is_retried_then_uncollectible_with_an_email_each_time(http, account, pool, portal):
    invoice = await paying_by(http, account, "4000 0000 0000 0002")
    at = datetime.now(UTC)
    for _ in range(4):  # the first try and three retries, each once it is due
        at += timedelta(days=6)
        with clock_at(at):
            await asyncio.to_thread(collect, portal, SANDBOX, UUID(account.account_id), UUID(invoice["invoice_id"]),
                                    at)

    await becomes(http, account, invoice["invoice_id"], "uncollectible")
    await eventually(lambda: has_template(pool, account.account_id, "payment_uncollectible"),
                     what="the payment_uncollectible e-mail")  # the e-mails' read model may lag the invoices'
    assert (await templates(pool, account.account_id))[-4:] == ["payment_failed"] * 3 + ["payment_uncollectible"]
    tab = await license_tab(http, account, portal.current_position())
    assert (tab["payment_overdue"], tab["overdue_invoices"]) == (True, [invoice["number"]])


@pytest.mark.parametrize("card_number, failure", [("4000 0000 0000 9995", "insufficient funds"),
                                                  ("4000 0025 0000 3155", "authentication required")])
async def test_the_test_cards_fail_as_the_processors_say(http, account, pool, portal, card_number, failure):
    invoice = await paying_by(http, account, card_number)

    await asyncio.to_thread(collect, portal, SANDBOX, UUID(account.account_id), UUID(invoice["invoice_id"]),
                            datetime.now(UTC))

    await becomes(http, account, invoice["invoice_id"], "payment_failed")
    # the e-mails are a read model of their own: it may show the e-mail a moment after the invoices show the failure
    await eventually(lambda: has_template(pool, account.account_id, "payment_failed"), what="the payment_failed e-mail")
    email = portal.email(UUID(account.account_id), await pool.fetchval(
        "SELECT email_id FROM emails WHERE account_id = $1 AND template = 'payment_failed'", UUID(account.account_id)))
    assert failure in email.body


async def test_a_credit_note_refunds_a_paid_invoice_and_never_changes_it(http, account, pool, portal, admin):
    invoice = await paying_by(http, account, "4242 4242 4242 4242")
    await payment_sweep(pool, portal, SANDBOX, datetime.now(UTC))
    await becomes(http, account, invoice["invoice_id"], "paid")
    original = (await http.get(f"/v1/invoices/{invoice['invoice_id']}", headers=account.auth)).json()

    response = await http.post(f"/v1/admin/invoices/{invoice['invoice_id']}/credit-note", json={},
                               headers=admin.auth)

    assert response.status_code == 201, response.text
    credit = (await invoices(http, account, response.json()["position"]))[0]
    details = (await http.get(f"/v1/invoices/{credit['invoice_id']}", headers=account.auth)).json()
    assert (details["credit_note_for"], details["total_cents"]) == (invoice["invoice_id"], -invoice["total_cents"])
    assert details["number"] != invoice["number"]
    assert (await http.get(f"/v1/invoices/{invoice['invoice_id']}", headers=account.auth)).json() == original
    problem(await http.post(f"/v1/admin/invoices/{invoice['invoice_id']}/credit-note", json={},
                            headers=admin.auth), 409)
