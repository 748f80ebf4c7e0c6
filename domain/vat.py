"""VAT: the rate of the holder's country, and reverse charge for a business elsewhere in the EU.

Rates are in basis points (1/100 of a per cent: 19 % is 1900), so every sum stays an integer. The seller is in
Germany (AnyDesk Software GmbH, Stuttgart): a customer in another member state with a valid VAT number pays
no VAT and the invoice says the customer owes it (reverse charge, Art. 196 of Directive 2006/112/EC).
"""

from typing import Final

from stdnum.eu import vat as eu_vat  # python-stdnum: each member state's format and checksum
from stdnum.exceptions import ValidationError

from domain.errors import InvalidValue
from domain.i18n import N_

SELLER_COUNTRY: Final = "DE"
EU_RATES: Final[dict[str, int]] = {
    "AT": 2000, "BE": 2100, "BG": 2000, "CY": 1900, "CZ": 2100, "DE": 1900, "DK": 2500, "EE": 2400, "ES": 2100,
    "FI": 2550, "FR": 2000, "GR": 2400, "HR": 2500, "HU": 2700, "IE": 2300, "IT": 2200, "LT": 2100, "LU": 1700,
    "LV": 2100, "MT": 1800, "NL": 2100, "PL": 2300, "PT": 2300, "RO": 2100, "SE": 2500, "SI": 2200, "SK": 2300}
# Outside the EU: the rate a foreign seller of software charges there (0 where none is due).
OTHER_RATES: Final[dict[str, int]] = {"AU": 1000, "CA": 0, "CH": 810, "GB": 2000, "JP": 1000, "NO": 2500,
                                      "US": 0}
RATES: Final[dict[str, int]] = {**EU_RATES, **OTHER_RATES}
VAT_PREFIX: Final[dict[str, str]] = {"GR": "EL"}  # Greece's VAT numbers begin EL, not GR


def known_country(country: str) -> bool:
    return country in RATES


def checked_vat_id(vat_id: str, country: str) -> str:
    """The VAT number in its compact form (DE136695976), refused unless it is a well-formed number of the
    holder's own member state with a right checksum; "" stays "" (no VAT number)."""
    if not vat_id:
        return ""
    if country not in EU_RATES:
        raise InvalidValue(N_("vat_id: only a holder in an EU member state has an EU VAT number"), field="vat_id")
    prefix = VAT_PREFIX.get(country, country)
    if not vat_id.strip().upper().startswith(prefix):
        raise InvalidValue(N_("vat_id: a VAT number of the holder's country, beginning with {prefix}"),
                           field="vat_id", prefix=prefix)
    try:
        return str(eu_vat.validate(vat_id))  # the compact form
    except ValidationError:
        raise InvalidValue(N_("vat_id: not a valid VAT number (check its digits)"), field="vat_id") from None


def reverse_charge(country: str, vat_id: str) -> bool:
    return bool(vat_id) and country in EU_RATES and country != SELLER_COUNTRY


def rate_for(country: str, vat_id: str) -> int:
    """The VAT rate in basis points; a holder without a country is taxed as at the seller's."""
    if reverse_charge(country, vat_id):
        return 0
    return RATES.get(country or SELLER_COUNTRY, RATES[SELLER_COUNTRY])


def vat_of(net_cents: int, rate_bp: int) -> int:
    """VAT on a net amount, rounded half away from zero to the cent (credit notes are negative)."""
    sign = -1 if net_cents < 0 else 1
    return sign * ((abs(net_cents) * rate_bp + 5_000) // 10_000)
