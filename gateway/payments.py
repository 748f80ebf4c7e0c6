"""The payment provider's webhook: providers that settle later (SEPA debits, bank transfers, 3-D Secure) report
each charge's outcome here. Signed as Standard Webhooks are (HMAC-SHA256 over id, timestamp and body, with the
secret `PORTAL_PAYMENT_WEBHOOK_SECRET`), so only the provider can mark an invoice paid; a replay records nothing
new (each outcome is idempotent in the domain)."""

from typing import Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from domain.actor import Actor
from domain.application import Portal
from domain.i18n import N_
from domain.payments import Outcome
from gateway.consistency import accepted, command
from gateway.problems import Problem

PROVIDER = Actor(kind="system", name="payment-provider")
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")


class PaymentReport(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    type: Literal["charge.succeeded", "charge.failed", "refund.succeeded"]
    account_id: UUID  # the provider returns the metadata the charge was made with
    invoice_id: UUID
    attempt: int = 1
    reference: str = ""
    failure: str = ""


REPORT = msgspec.json.Decoder(PaymentReport)


def verified(secret: str | None, body: bytes, headers: dict[str, str]) -> PaymentReport:
    if not secret:
        raise Problem(404, "not-found", N_("No payment provider reports here"))
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except WebhookVerificationError:
        raise Problem(401, "bad-signature", N_("The webhook signature does not match")) from None
    try:
        return REPORT.decode(body)
    except msgspec.ValidationError as error:
        raise Problem(422, "validation", N_("body: {error}"), field="body", error=str(error)) from None


class PaymentsController(Controller):
    path = "/v1/payments"
    tags = ["payments"]

    @post("/webhook", status_code=200, summary="The payment provider reports a charge's outcome (signed)",
          security=[{}])
    async def webhook(self, request: Request[Any, Any, Any], state: State, portal: Portal) -> Response[Any]:
        headers = {name: request.headers.get(name, "") for name in SIGNATURE_HEADERS}
        report = verified(state.settings.payment_webhook_secret, await request.body(), headers)
        outcome = Outcome(succeeded=report.type != "charge.failed", reference=report.reference,
                          failure=report.failure)
        return accepted(await command(PROVIDER, portal.record_payment, report.account_id, report.invoice_id,
                                      report.attempt, outcome))
