"""Published events of accounts and their users."""

from uuid import UUID

from domain.contract.base import PortalEvent


class AccountOpened(PortalEvent):
    aggregate = "account"
    customer_number: str
    email: str
    name: str
    reseller_id: UUID | None = None


class AccountDisabledChanged(PortalEvent):
    aggregate = "account"
    disabled: bool


class AccountApiAccessChanged(PortalEvent):
    aggregate = "account"
    enabled: bool


class ApiKeyCreated(PortalEvent):
    aggregate = "account"
    key_id: str
    name: str
    scope: str
    prefix: str  # the key's first characters, to recognise it; the key itself is never recorded


class ApiKeyRevoked(PortalEvent):
    aggregate = "account"
    key_id: str


class UserRegistered(PortalEvent):
    aggregate = "user"
    email: str
    name: str
    account_role: str | None
    platform_role: str | None


class UserPasswordChanged(PortalEvent):
    aggregate = "user"


class UserDisabledChanged(PortalEvent):
    aggregate = "user"
    disabled: bool


class UserTwoFactorEnabled(PortalEvent):
    aggregate = "user"


class UserSecondFactorUsed(PortalEvent):
    aggregate = "user"


class UserRecoveryCodeUsed(PortalEvent):
    aggregate = "user"


class UserTwoFactorDisabled(PortalEvent):
    aggregate = "user"


class AccountContactChanged(PortalEvent):
    aggregate = "account"
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    vat_id: str = ""  # personal (sealed): an EU VAT number, compact (DE136695976)


class AccountPaymentMethodChanged(PortalEvent):
    aggregate = "account"
    kind: str
    brand: str
    last4: str
    expiry_month: int | None
    expiry_year: int | None
    holder: str


class AccountPreferencesChanged(PortalEvent):
    aggregate = "account"
    language: str
    time_zone: str
    csv_scope: str
    csv_date_format: str
