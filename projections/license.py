"""The License tab read model: product, key fingerprint, limits, contact, payment and the dashboard counters.

Events carry a license key only as its fingerprint, so this table keeps only that (the heartbeats' fast path
matches on it); the live key the tab shows comes from the event store."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.anydesk_credential import api_license_id
from domain.catalog import PRODUCTS
from domain.contract.accounts import AccountContactChanged, AccountOpened, AccountPaymentMethodChanged
from domain.contract.licenses import LicenseCancelled, LicenseExpired, LicenseIssued, LicenseKeyReset, LicenseNamespaceAssigned, LicenseRenewed, LicenseUpgraded
from domain.contract.usage import ClientCameOnline, ClientLinked, ClientUnlinked, ClientWentOffline, SessionEnded, SessionStarted
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import Handler, ReadModel, update_row
from projections.invoices import OVERDUE_NUMBERS
from projections.usage import PEAKS, MonthPeak, Period

LICENSE_TAB = ReadModel("license_tab", tables=("license_tab",))
erases_deleted_accounts(LICENSE_TAB, "license_tab")


class Opened(msgspec.Struct):
    account_id: UUID
    customer_number: str
    email: str
    name: str
    occurred_at: datetime


@LICENSE_TAB.on(AccountOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await conn.rows("license_tab").insert({"account_id": e.account_id}, customer_number=e.customer_number,
                                          email=e.email, contact_name=e.name, opened_at=e.occurred_at,
                                          position=position)




class ContactChanged(msgspec.Struct):
    account_id: UUID
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str


@LICENSE_TAB.on(AccountContactChanged, ContactChanged)
async def _contact_changed(conn: Fold, e: ContactChanged, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position,
                     contact_name=e.name, street=e.street, postal_code=e.postal_code, city=e.city,
                     country=e.country, phone=e.phone)


class PaymentMethodChanged(msgspec.Struct):
    account_id: UUID
    kind: str
    brand: str
    last4: str
    expiry_month: int | None
    expiry_year: int | None
    holder: str


@LICENSE_TAB.on(AccountPaymentMethodChanged, PaymentMethodChanged)
async def _payment_changed(conn: Fold, e: PaymentMethodChanged, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position,
                     payment_kind=e.kind, payment_brand=e.brand, payment_last4=e.last4,
                     payment_expiry_month=e.expiry_month, payment_expiry_year=e.expiry_year,
                     payment_holder=e.holder)


class Issued(msgspec.Struct):
    account_id: UUID
    product: str
    key_fingerprint: str
    expires_at: datetime | None


@LICENSE_TAB.on(LicenseIssued, Issued)
async def _issued(conn: Fold, e: Issued, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position,
                     product=e.product, key_fingerprint=e.key_fingerprint, expires_at=e.expires_at)


class Upgraded(msgspec.Struct):
    account_id: UUID
    product: str
    expires_at: datetime


@LICENSE_TAB.on(LicenseUpgraded, Upgraded)
async def _upgraded(conn: Fold, e: Upgraded, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position,
                     product=e.product, expires_at=e.expires_at, cancelled_at=None)


class Renewed(msgspec.Struct):
    account_id: UUID
    expires_at: datetime


@LICENSE_TAB.on(LicenseRenewed, Renewed)
async def _renewed(conn: Fold, e: Renewed, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position, expires_at=e.expires_at)


class KeyReset(msgspec.Struct):
    account_id: UUID
    key_fingerprint: str


@LICENSE_TAB.on(LicenseKeyReset, KeyReset)
async def _key_reset(conn: Fold, e: KeyReset, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position, key_fingerprint=e.key_fingerprint)


class Cancelled(msgspec.Struct):
    account_id: UUID
    cancelled_at: datetime


@LICENSE_TAB.on(LicenseCancelled, Cancelled)
async def _cancelled(conn: Fold, e: Cancelled, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position, cancelled_at=e.cancelled_at)


class NamespaceAssigned(msgspec.Struct):
    account_id: UUID
    namespace: str


@LICENSE_TAB.on(LicenseNamespaceAssigned, NamespaceAssigned)
async def _namespace_assigned(conn: Fold, e: NamespaceAssigned, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position, namespace=e.namespace)


class Counted(msgspec.Struct):
    account_id: UUID


def _count(column: str, step: int) -> Handler:
    async def apply(conn: Fold, e: Counted, position: int) -> None:
        # Safe as an increment: the projector applies each event exactly once.
        await conn.rows("license_tab").add({"account_id": e.account_id}, column, step, position=position)
    return apply


for event_type, column, step in ((ClientLinked, "linked_clients", 1), (ClientUnlinked, "linked_clients", -1),
                                 (ClientCameOnline, "online_clients", 1),
                                 (ClientWentOffline, "online_clients", -1),
                                 (SessionStarted, "active_sessions", 1), (SessionEnded, "active_sessions", -1)):
    LICENSE_TAB.on(event_type, Counted)(_count(column, step))


class Expired(msgspec.Struct):
    account_id: UUID


@LICENSE_TAB.on(LicenseExpired, Expired)
async def _expired(conn: Fold, e: Expired, position: int) -> None:
    await update_row(conn, "license_tab", {"account_id": e.account_id}, position,
                     product="free", expires_at=None, cancelled_at=None)


# -- queries ---------------------------------------------------------------------------------------------

class ProductView(msgspec.Struct, kw_only=True):
    code: str
    name: str


class Limits(msgspec.Struct, kw_only=True):
    max_clients: int
    max_concurrent_sessions: int
    max_active_devices: int | None
    max_session_minutes: int
    max_aliases: int


class Namespace(msgspec.Struct, kw_only=True):
    name: str
    max_aliases: int


class Contact(msgspec.Struct, kw_only=True):
    name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str


class PaymentMethod(msgspec.Struct, kw_only=True):
    kind: str
    brand: str
    last4: str
    expiry_month: int | None
    expiry_year: int | None
    holder: str


class Counters(msgspec.Struct, kw_only=True):
    linked: int
    online: int
    active_sessions: int


class LicenseTab(msgspec.Struct, kw_only=True):
    account_id: UUID
    customer_number: str
    api_license_id: str  # the AnyDesk-compatible API's license id (its password: POST /v1/license/api-password)
    email: str
    product: ProductView
    license_key: str
    expires_at: datetime | None
    cancelled_at: datetime | None
    limits: Limits
    namespace: Namespace | None
    contact: Contact
    payment_method: PaymentMethod | None
    counters: Counters
    peak_this_month: MonthPeak | None = None  # concurrent sessions, beside limits.max_concurrent_sessions
    payment_overdue: bool = False  # an invoice's payment failed, was written off, or is past its due date
    overdue_invoices: list[str] = []  # their numbers


# The tab with the overdue invoices' numbers and the month's peak, in one statement: it is read most often.
# $1: the account, $2 and $3: the month's start and end (one-element arrays, as usage's PEAKS takes them).
WITH_MONTH = f"""SELECT t.*, ARRAY({OVERDUE_NUMBERS}) AS overdue, peak.peak, peak.peak_at
FROM license_tab t, LATERAL ({PEAKS}) peak WHERE t.account_id = $1"""


async def license_tab(pool: asyncpg.Pool, account_id: UUID, live_key: Callable[[str], Awaitable[str]] | None = None,
                      month: Period | None = None) -> LicenseTab | None:
    """The tab, showing the account's current key: `live_key` answers it, given the fingerprint the tab shows
    (without it, for readers who must not see the key, the key is empty); with `month`, also that month's peak
    of concurrent sessions and whether payment is overdue."""
    if month is None:
        row = await pool.fetchrow("SELECT * FROM license_tab WHERE account_id = $1", account_id)
    else:
        row = await pool.fetchrow(WITH_MONTH, account_id, [month.start], [month.end])
    if row is None:
        return None
    license_key = await live_key(row["key_fingerprint"]) if live_key else ""
    tier = PRODUCTS[row["product"]]
    return LicenseTab(
        account_id=row["account_id"], customer_number=row["customer_number"], email=row["email"],
        api_license_id=api_license_id(UUID(bytes=row["account_id"].bytes), row["customer_number"]),
        product=ProductView(code=tier.code, name=tier.name), license_key=license_key,
        expires_at=row["expires_at"], cancelled_at=row["cancelled_at"],
        limits=Limits(max_clients=tier.max_clients, max_concurrent_sessions=tier.max_concurrent_sessions,
                      max_active_devices=tier.max_active_devices,
                      max_session_minutes=tier.max_session_minutes, max_aliases=tier.max_aliases),
        namespace=Namespace(name=row["namespace"], max_aliases=tier.max_aliases) if row["namespace"] else None,
        contact=Contact(name=row["contact_name"], street=row["street"], postal_code=row["postal_code"],
                        city=row["city"], country=row["country"], phone=row["phone"]),
        payment_method=PaymentMethod(
            kind=row["payment_kind"], brand=row["payment_brand"], last4=row["payment_last4"],
            expiry_month=row["payment_expiry_month"], expiry_year=row["payment_expiry_year"],
            holder=row["payment_holder"]) if row["payment_kind"] else None,
        counters=Counters(linked=row["linked_clients"], online=row["online_clients"],
                          active_sessions=row["active_sessions"]),
        **({} if month is None else {
            "peak_this_month": MonthPeak(month=month.label, peak_concurrent_sessions=row["peak"],
                                         peak_at=row["peak_at"] if row["peak"] else None),
            "payment_overdue": bool(row["overdue"]), "overdue_invoices": row["overdue"]}),
    )
