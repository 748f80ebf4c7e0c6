"""The Invoices area end to end: an upgrade's invoice in the list, its details, CSV and PDF; VAT by the holder's
country; bad input refused; other accounts' invoices not found; a signed provider webhook; the deletion rule."""

import io
import json
import os
import re
from datetime import UTC, datetime

import pypdf
import pytest
from standardwebhooks.webhooks import Webhook

from tests.e2e.api import command, license_tab, problem, sign_up
from tests.e2e.invoices import invoices, upgraded
from tests.e2e.people import Person, staff_member

NUMBER = re.compile(r"20[0-9]{2}-[0-9]{6}")
PARIS = {"name": "Ann Example SARL", "street": "1 rue de Rivoli", "postal_code": "75001", "city": "Paris",
         "country": "FR"}


@pytest.fixture
async def admin(http, settings) -> Person:
    return await staff_member(http, settings, "administrator")


async def test_an_upgrade_issues_an_invoice_with_its_number_lines_and_sums(http, account):
    await command(http, account, "PUT", "/v1/account/contact", {**PARIS, "country": "DE", "city": "Berlin"})

    invoice = await upgraded(http, account)

    assert NUMBER.fullmatch(invoice["number"]) and invoice["number"][:4] == str(datetime.now(UTC).year)
    assert (invoice["status"], invoice["currency"], invoice["net_cents"], invoice["vat_cents"]) == (
        "open", "EUR", 22_680, 4_309)
    assert invoice["total_cents"] == invoice["net_cents"] + invoice["vat_cents"] == sum(
        line["total_cents"] for line in invoice["lines"]) + invoice["vat_cents"]
    assert invoice["holder"]["name"] == PARIS["name"] and "credit_note_for" not in invoice


async def test_a_business_in_another_member_state_is_invoiced_without_vat(http, account):
    await command(http, account, "PUT", "/v1/account/contact", {**PARIS, "vat_id": "FR40303265045"})

    invoice = await upgraded(http, account, "lite")

    assert (invoice["vat_cents"], invoice["reverse_charge"], invoice["holder"]["vat_id"]) == (0, True, "FR40303265045")


async def test_the_list_filters_by_status_and_year_and_exports_csv(http, account):
    invoice = await upgraded(http, account, "lite")
    year = invoice["number"][:4]

    assert [i["number"] for i in await invoices(http, account, 0, status="open", year=year)] == [invoice["number"]]
    assert await invoices(http, account, 0, status="paid") == []
    assert await invoices(http, account, 0, year="2001") == []
    csv = await http.get("/v1/invoices.csv", headers=account.auth)
    assert csv.status_code == 200 and invoice["number"] in csv.text


async def test_the_pdf_opens_and_carries_the_number_totals_and_holder(http, account):
    await command(http, account, "PUT", "/v1/account/contact", PARIS)
    invoice = await upgraded(http, account)

    response = await http.get(f"/v1/invoices/{invoice['invoice_id']}.pdf", headers=account.auth)

    assert response.headers["content-type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    for expected in (invoice["number"], PARIS["name"], PARIS["street"], "Net 226.80 EUR", "VAT 20.00 %",
                     "Total 272.16 EUR"):
        assert expected in text


async def test_another_accounts_invoice_and_its_pdf_are_not_found(http, account):
    invoice = await upgraded(http, account, "lite")
    other = await sign_up(http)

    for suffix in ("", ".pdf"):
        problem(await http.get(f"/v1/invoices/{invoice['invoice_id']}{suffix}", headers=other.auth), 404)
    problem(await http.get("/v1/invoices/not-an-invoice.pdf", headers=other.auth), 404)


@pytest.mark.parametrize("contact, field", [({**PARIS, "country": "XX"}, "country"),
                                            ({**PARIS, "vat_id": "FR40303265046"}, "vat_id"),
                                            ({**PARIS, "vat_id": "no VAT number"}, "vat_id")])
async def test_an_unknown_country_or_a_malformed_vat_number_is_refused_and_changes_nothing(http, account, contact,
                                                                                          field):
    before = await license_tab(http, account, account.position)

    problem(await http.put("/v1/account/contact", json=contact, headers=account.auth), 422, field)

    assert (await license_tab(http, account, account.position))["contact"] == before["contact"]


async def test_a_credit_note_of_a_negative_amount_is_refused_naming_the_field(http, account, admin):
    invoice = await upgraded(http, account, "lite")

    response = await http.post(f"/v1/admin/invoices/{invoice['invoice_id']}/credit-note",
                               json={"amount_cents": -100}, headers=admin.auth)

    problem(response, 422, "amount_cents")
    assert len(await invoices(http, account, 0)) == 1


async def test_a_signed_provider_report_marks_the_invoice_paid_and_an_unsigned_one_is_refused(http, account):
    invoice = await upgraded(http, account, "lite")
    report = json.dumps({"type": "charge.succeeded", "account_id": account.account_id,
                         "invoice_id": invoice["invoice_id"], "reference": "tr_1"})
    sent_at = datetime.now(UTC)
    signed = {"webhook-id": "msg_1", "webhook-timestamp": str(int(sent_at.timestamp())), "webhook-signature":
              Webhook(os.environ["PORTAL_PAYMENT_WEBHOOK_SECRET"]).sign("msg_1", sent_at, report)}

    problem(await http.post("/v1/payments/webhook", content=report, headers={
        **signed, "webhook-signature": "v1,AAAA", "content-type": "application/json"}), 401)
    position = (await http.post("/v1/payments/webhook", content=report, headers={
        **signed, "content-type": "application/json"})).json()["position"]

    assert [i["status"] for i in await invoices(http, account, position)] == ["paid"]


async def test_deleting_a_customer_with_an_open_invoice_is_refused_saying_so(http, account, admin):
    invoice = await upgraded(http, account, "lite")

    response = await http.delete(f"/v1/admin/customers/{account.account_id}",
                                 params={"confirm": account.customer_number}, headers=admin.auth)

    assert invoice["number"] in problem(response, 409)["detail"]
    assert (await http.get("/v1/license", headers=account.auth)).status_code == 200
