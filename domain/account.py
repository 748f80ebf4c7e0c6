"""The customer account: who holds the license, how to reach them, how they pay, their preferences."""

from datetime import datetime  # not unused: eventsourcing reads event annotations in this module at run time
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from eventsourcing.domain import event

from domain.errors import InvalidValue, NotFound, RuleViolation
from domain.i18n import LANGUAGES, N_
from domain.tenant import TenantAggregate
from domain.vat import checked_vat_id, known_country

CSV_SCOPES = ("all", "page")  # export every row, or only the page on screen
CSV_DATE_FORMATS = {"iso": "%Y-%m-%d %H:%M:%S", "de": "%d.%m.%Y %H:%M:%S", "fr": "%d/%m/%Y %H:%M:%S",
                    "us": "%m/%d/%Y %I:%M:%S %p"}
API_KEY_SCOPES = ("read", "write")
MAX_API_KEYS = 20
DEFAULT_PREFERENCES = {"language": "en", "time_zone": "UTC", "csv_scope": "all", "csv_date_format": "iso"}


def known_time_zone(name: str) -> bool:
    """Looks up one zone, rather than listing every zone on disk for each change."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


ACCOUNT_TYPES = ("customer", "administrator", "reseller")


class Account(TenantAggregate):
    # Accounts opened before these were recorded are customers without accessibility features.
    level = "customer"
    accessibility = False
    deleted = False
    unpaid: tuple[tuple[str, str], ...] = ()  # open invoices: (invoice id, number)
    vat_id = ""  # the holder's EU VAT number (compact), for reverse charge

    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return account_id

    @event("Opened")
    def __init__(self, account_id: UUID, customer_number: str, email: str, name: str,
                 reseller_id: UUID | None = None) -> None:
        self.account_id = account_id
        self.customer_number = customer_number
        self.email = email
        self.reseller_id = reseller_id  # the reseller who manages this customer, if any
        self.disabled = False
        self.api_access = True
        self.api_keys: dict[str, dict[str, str]] = {}  # active key id -> name, scope, prefix
        self.contact = {"name": name, "street": "", "postal_code": "", "city": "", "country": "",
                        "phone": ""}
        self.payment_method: dict[str, object] | None = None
        self.preferences = dict(DEFAULT_PREFERENCES)

    def change_contact(self, name: str, street: str, postal_code: str, city: str, country: str,
                       phone: str, vat_id: str | None = None) -> None:
        """`vat_id` None keeps the VAT number as it is."""
        if country and not known_country(country):
            raise InvalidValue(N_("country: a country code we invoice to, such as DE, FR or US"), field="country")
        vat_id = checked_vat_id(self.vat_id if vat_id is None else vat_id, country)
        contact = {"name": name, "street": street, "postal_code": postal_code, "city": city,
                   "country": country, "phone": phone}
        if (contact, vat_id) != (self.contact, self.vat_id):  # an unchanged form records nothing
            self._contact_changed(**contact, vat_id=vat_id)

    def amend_contact(self, **changes: str) -> None:
        """Change only the given contact fields; the others stay as they are."""
        self.change_contact(**{**self.contact, "vat_id": self.vat_id, **changes})

    @event("ContactChanged")
    def _contact_changed(self, name: str, street: str, postal_code: str, city: str, country: str,
                         phone: str, vat_id: str = "") -> None:
        self.contact = {"name": name, "street": street, "postal_code": postal_code, "city": city,
                        "country": country, "phone": phone}
        self.vat_id = vat_id

    @property
    def billing_address(self) -> dict[str, str]:
        """The holder as an invoice names them (no phone)."""
        return {**{k: self.contact[k] for k in ("name", "street", "postal_code", "city", "country")},
                "vat_id": self.vat_id}

    def change_payment_method(self, kind: str, brand: str, last4: str, expiry_month: int | None,
                              expiry_year: int | None, holder: str, payment_token: str = "") -> None:
        # Only a masked method ever reaches the event store: never a full card or account number.
        if len(last4) > 4 or (last4 and not last4.isalnum()):  # empty where nothing identifies it (invoice)
            raise InvalidValue(N_("Only the last four characters of a payment method may be stored"),
                                field="last4")
        self._payment_method_changed(kind=kind, brand=brand, last4=last4, expiry_month=expiry_month,
                                     expiry_year=expiry_year, holder=holder, payment_token=payment_token)

    @event("PaymentMethodChanged")
    def _payment_method_changed(self, kind: str, brand: str, last4: str, expiry_month: int | None,
                                expiry_year: int | None, holder: str, payment_token: str = "") -> None:
        self.payment_method = {"kind": kind, "brand": brand, "last4": last4,
                               "expiry_month": expiry_month, "expiry_year": expiry_year,
                               "holder": holder, "payment_token": payment_token}

    @property
    def payment_token(self) -> str:
        """The provider's token to charge automatically; "" when the holder pays by bank transfer."""
        method = self.payment_method or {}
        return str(method.get("payment_token") or "") if method.get("kind") != "invoice" else ""

    # -- invoices ----------------------------------------------------------------------------------------
    # The account knows its unpaid invoices itself, so a deletion is refused from its own state.

    @event("InvoiceOpened")
    def invoice_opened(self, invoice_id: str, number: str) -> None:
        self.unpaid = (*self.unpaid, (invoice_id, number))

    def invoice_closed(self, invoice_id: str) -> None:
        if any(open_id == invoice_id for open_id, _ in self.unpaid):
            self._invoice_closed(invoice_id=invoice_id)

    @event("InvoiceClosed")
    def _invoice_closed(self, invoice_id: str) -> None:
        self.unpaid = tuple(entry for entry in self.unpaid if entry[0] != invoice_id)

    def change_preferences(self, **changes: str) -> None:
        """Language, time zone and CSV export preferences; only the given ones change."""
        allowed = {"language": LANGUAGES, "csv_scope": CSV_SCOPES, "csv_date_format": tuple(CSV_DATE_FORMATS)}
        for name, value in changes.items():
            if name == "time_zone":
                if not known_time_zone(value):
                    raise InvalidValue(N_("Unknown time zone {zone} (use an IANA name, e.g. Europe/Berlin)"), zone=repr(value),
                                       field=name)
            elif name not in allowed or value not in allowed[name]:
                raise InvalidValue(N_("{field} must be one of {choices}"), field=name,
                                   choices=", ".join(allowed.get(name, ())))
        merged = {**self.preferences, **changes}
        if merged != self.preferences:
            self._preferences_changed(**merged)

    @event("PreferencesChanged")
    def _preferences_changed(self, language: str, time_zone: str, csv_scope: str, csv_date_format: str) -> None:
        self.preferences = {"language": language, "time_zone": time_zone, "csv_scope": csv_scope,
                            "csv_date_format": csv_date_format}

    # -- access ------------------------------------------------------------------------------------------

    def set_disabled(self, disabled: bool) -> None:
        if disabled != self.disabled:
            if disabled:  # keys end for good, like sessions: switching on again must not revive a leaked one
                for key_id in list(self.api_keys):
                    self._api_key_revoked(key_id=key_id)
            self._disabled_changed(disabled=disabled)

    @event("DisabledChanged")
    def _disabled_changed(self, disabled: bool) -> None:
        self.disabled = disabled

    def set_api_access(self, enabled: bool) -> None:
        if enabled != self.api_access:
            self._api_access_changed(enabled=enabled)

    @event("ApiAccessChanged")
    def _api_access_changed(self, enabled: bool) -> None:
        self.api_access = enabled

    def create_api_key(self, key_id: str, name: str, scope: str, prefix: str) -> None:
        if not self.api_access:
            raise RuleViolation(N_("API access is switched off for this account; ask your administrator"))
        if scope not in API_KEY_SCOPES:
            raise InvalidValue(N_("{field} must be one of {choices}"), field="scope", choices=", ".join(API_KEY_SCOPES))
        if len(self.api_keys) >= MAX_API_KEYS:
            raise RuleViolation(N_("An account has at most {most} API keys; revoke one first"), most=MAX_API_KEYS)
        self._api_key_created(key_id=key_id, name=name, scope=scope, prefix=prefix)

    @event("ApiKeyCreated")
    def _api_key_created(self, key_id: str, name: str, scope: str, prefix: str) -> None:
        self.api_keys[key_id] = {"name": name, "scope": scope, "prefix": prefix}

    def revoke_api_key(self, key_id: str) -> None:
        if key_id not in self.api_keys:
            raise NotFound(N_("No such API key"))
        self._api_key_revoked(key_id=key_id)

    @event("ApiKeyRevoked")
    def _api_key_revoked(self, key_id: str) -> None:
        self.api_keys.pop(key_id, None)

    # -- administration ----------------------------------------------------------------------------------

    def set_level(self, level: str) -> None:
        if level not in ACCOUNT_TYPES:
            raise RuleViolation(N_("{field} must be one of {choices}"), field="account_type",
                                choices=", ".join(ACCOUNT_TYPES))
        if level != self.level:
            self._level_changed(level=level)

    @event("LevelChanged")
    def _level_changed(self, level: str) -> None:
        self.level = level

    def set_accessibility(self, enabled: bool) -> None:
        """The frontend adds a "skip to main content" link for screen readers."""
        if enabled != self.accessibility:
            self._accessibility_changed(enabled=enabled)

    @event("AccessibilityChanged")
    def _accessibility_changed(self, enabled: bool) -> None:
        self.accessibility = enabled

    def delete(self, confirm: str) -> None:
        """Permanently: the caller typed the customer number. Deleting again records nothing."""
        if confirm.strip() != self.customer_number:
            raise RuleViolation(N_("{field}: type the customer number to confirm the deletion"), field="confirm")
        if self.unpaid:
            raise RuleViolation(N_("The invoice {number} is still open: it must be paid or voided before the "
                                   "account is deleted"), field="invoices", number=self.unpaid[0][1])
        if not self.deleted:
            self._deleted()

    @event("Deleted")
    def _deleted(self) -> None:
        self.deleted = True
        self.disabled = True  # no login, no token, no reset link from now on
