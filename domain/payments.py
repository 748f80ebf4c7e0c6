"""The payment-provider port, and the sandbox provider that stands in for one here.

A provider keeps the card or account itself and hands back a token (`token_for_*`, at `PUT /v1/account/payment`);
the portal stores only that token and the masked method. Collecting charges or refunds a token, with an
idempotency key per try, so a worker that crashed after the provider acted and tries again gets the same answer
instead of a second charge. Providers that answer later (SEPA, bank transfer) report through the signed webhook
`POST /v1/payments/webhook`. README's "Payments" says how a real provider plugs in.
"""

from typing import Protocol, runtime_checkable

import msgspec


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    succeeded: bool
    reference: str = ""  # the provider's id of the charge or refund
    failure: str = ""  # card_declined, insufficient_funds, authentication_required, …


@runtime_checkable  # the gateway hands it to handlers as a typed dependency, which checks its type
class PaymentProvider(Protocol):
    name: str

    def token_for_card(self, card_number: str) -> str: ...

    def token_for_iban(self, iban: str) -> str: ...

    def charge(self, token: str, amount_cents: int, currency: str, idempotency_key: str) -> Outcome: ...

    def refund(self, token: str, amount_cents: int, currency: str, idempotency_key: str) -> Outcome: ...


# The big processors' test cards (Stripe's numbers): each decides how every charge to it ends.
TEST_CARDS = {"4242424242424242": "tok_visa", "4000000000000002": "tok_chargeDeclined",
              "4000000000009995": "tok_chargeDeclinedInsufficientFunds",
              "4000002500003155": "tok_authenticationRequired"}
FAILURES = {"tok_chargeDeclined": "card_declined", "tok_chargeDeclinedInsufficientFunds": "insufficient_funds",
            # charges of a renewal run without the holder present: a card that wants 3-D Secure fails them
            "tok_authenticationRequired": "authentication_required"}


class SandboxProvider:
    """Behaves like a processor's test mode: the test card decides; any other valid card or IBAN succeeds."""

    name = "sandbox"

    def token_for_card(self, card_number: str) -> str:
        return TEST_CARDS.get(card_number.replace(" ", ""), "tok_visa")

    def token_for_iban(self, iban: str) -> str:
        return "tok_sepa_debit"

    def charge(self, token: str, amount_cents: int, currency: str, idempotency_key: str) -> Outcome:
        failure = FAILURES.get(token)
        if failure:
            return Outcome(succeeded=False, failure=failure)
        return Outcome(succeeded=True, reference=f"ch_sandbox_{idempotency_key}")

    def refund(self, token: str, amount_cents: int, currency: str, idempotency_key: str) -> Outcome:
        return Outcome(succeeded=True, reference=f"re_sandbox_{idempotency_key}")


PROVIDERS: dict[str, type[SandboxProvider]] = {"sandbox": SandboxProvider}
