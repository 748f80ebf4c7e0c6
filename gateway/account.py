"""The account holder's contact details and payment method."""

from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, patch, put
from litestar.di import Provide

from domain import luhn
from domain.application import Portal
from domain.i18n import N_
from domain.payments import PaymentProvider
from gateway.consistency import accepted, command
from gateway.fields import Line, Name, Text, described
from gateway.identity import Caller, owner
from gateway.problems import Problem


Country = Annotated[str, described(N_("a country code of ISO 3166-1 such as DE (two capital letters)"), r"^([A-Z]{2})?$")]
Phone = Annotated[str, described(N_("a phone number in international format, e.g. +49 711 123456"),
                                 r"^(\+[1-9][0-9 ]{6,19})?$")]

VatId = Annotated[str, described("an EU VAT number such as DE136695976 (for reverse charge); empty: none",
                                 r"^([A-Za-z]{2}[A-Za-z0-9 .-]{2,16})?$")]


class Contact(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    street: Line = ""
    postal_code: Annotated[Text, msgspec.Meta(max_length=20)] = ""
    city: Line = ""
    country: Country = ""
    phone: Phone = ""
    vat_id: VatId = ""


class ContactPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Only what is sent changes (`PUT` replaces the whole contact)."""
    name: Name | msgspec.UnsetType = msgspec.UNSET
    street: Line | msgspec.UnsetType = msgspec.UNSET
    postal_code: Annotated[Text, msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    city: Line | msgspec.UnsetType = msgspec.UNSET
    country: Country | msgspec.UnsetType = msgspec.UNSET
    phone: Phone | msgspec.UnsetType = msgspec.UNSET
    vat_id: VatId | msgspec.UnsetType = msgspec.UNSET


class Card(msgspec.Struct, tag="card", tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    card_number: Annotated[str, described(N_("12 to 19 digits, spaces allowed"), r"^[0-9 ]{12,23}$")]
    expiry_month: Annotated[int, msgspec.Meta(ge=1, le=12)]
    expiry_year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    holder: Name


class SepaDebit(msgspec.Struct, tag="sepa_debit", tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    iban: Annotated[str, described(N_("an IBAN such as DE89 3704 0044 0532 0130 00"),
                                   r"^[A-Z]{2}[0-9]{2}[A-Z0-9 ]{11,38}$")]
    holder: Name


class Invoice(msgspec.Struct, tag="invoice", tag_field="kind", forbid_unknown_fields=True, kw_only=True):
    pass


PaymentInput = Card | SepaDebit | Invoice


def card_brand(digits: str) -> str:
    if digits.startswith("4"):
        return "visa"
    if digits[:2] in {"34", "37"}:
        return "amex"
    if 51 <= int(digits[:2]) <= 55 or 2221 <= int(digits[:4]) <= 2720:
        return "mastercard"
    return "card"


def iban_ok(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def tokenised(method: PaymentInput, provider: PaymentProvider) -> str:
    """The provider's token for the method: it keeps the card or account; we keep the token."""
    if isinstance(method, Card):
        return provider.token_for_card(method.card_number.replace(" ", ""))
    if isinstance(method, SepaDebit):
        return provider.token_for_iban(method.iban.replace(" ", ""))
    return ""  # paid by bank transfer: nothing to charge


def masked(method: PaymentInput) -> dict[str, Any]:
    """The only form a payment method is ever stored in: brand and last four characters."""
    if isinstance(method, Card):
        digits = method.card_number.replace(" ", "")
        if not 12 <= len(digits) <= 19 or not luhn.valid(digits):
            raise Problem(422, "validation", N_("{field}: not a valid card number"), field="card_number")
        now = datetime.now(UTC)
        if (method.expiry_year, method.expiry_month) < (now.year, now.month):
            raise Problem(422, "validation", N_("{field}: the card has expired"), field="expiry_year")
        return {"kind": "card", "brand": card_brand(digits), "last4": digits[-4:],
                "expiry_month": method.expiry_month, "expiry_year": method.expiry_year, "holder": method.holder}
    if isinstance(method, SepaDebit):
        iban = method.iban.replace(" ", "")
        if not iban_ok(iban):
            raise Problem(422, "validation", N_("{field}: not a valid IBAN"), field="iban")
        return {"kind": "sepa_debit", "brand": iban[:2], "last4": iban[-4:], "expiry_month": None,
                "expiry_year": None, "holder": method.holder}
    return {"kind": "invoice", "brand": "", "last4": "", "expiry_month": None, "expiry_year": None,
            "holder": ""}


class AccountController(Controller):
    path = "/v1/account"
    tags = ["account"]
    dependencies = {"caller": Provide(owner)}

    @put("/contact", summary="Replace the account holder's name, address and phone")
    async def change_contact(self, data: Contact, caller: Caller, portal: Portal) -> Response[Any]:
        fields = msgspec.structs.asdict(data)
        return accepted(await command(caller.actor, portal.change_contact, caller.account_id, **fields))

    @patch("/contact", summary="Change some of the account holder's contact fields; the others stay")
    async def amend_contact(self, data: ContactPatch, caller: Caller, portal: Portal) -> Response[Any]:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if not changes:
            raise Problem(422, "validation", N_("Give at least one contact field to change"), field="body")
        return accepted(await command(caller.actor, portal.amend_contact, caller.account_id, **changes))

    @put("/payment", summary="Replace the payment method; only a masked form is kept")
    async def change_payment(self, data: PaymentInput, caller: Caller, portal: Portal,
                             payments: PaymentProvider) -> Response[Any]:
        fields = masked(data)  # checked before the provider sees it
        return accepted(await command(caller.actor, portal.change_payment_method, caller.account_id, **fields,
                                      payment_token=tokenised(data, payments)))
