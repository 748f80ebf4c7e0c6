"""The public event contract: what internal services receive on NATS.

One msgspec struct per event type. A struct changes only by adding fields with defaults; a breaking change
is a new struct with a new version. Private state (password hashes) never enters the contract, and a
credential only as its fingerprint (`domain.history.redacted`). Personal data travels only sealed: every field
whose name is in `domain.personal.PERSONAL` (the actor's name too) is published as the event store's ciphertext
under the account's data key, so the stream holds nothing a deletion could not erase (version 2 of every event;
version 1 carried them in clear). The structs type those fields as they read once opened, for projectors;
the published JSON Schema shows them sealed.
"""

from typing import Any

import msgspec

from domain.account import Account
from domain.account_domains import AccountDomains
from domain.anydesk_credential import AnyDeskCredential
from domain.actor import Actor
from domain.claim import Claim
from domain.client import Client
from domain.custom_client import CustomClient
from domain.custom_client_quota import CustomClientQuota
from domain.contract import (accounts, anydesk, customers, domains, files, helpdesk, impersonations, invoices,
                             licenses, support, usage)
from domain.contract import email as mail
from domain.contract.base import STREAM, SUBJECT_PREFIX, PortalEvent
from domain.email import Email
from domain.helpdesk_access import HelpDeskAccess
from domain.history import redacted
from domain.personal import PERSONAL, Sealed
from domain.impersonation import Impersonation
from domain.invoice import Invoice
from domain.invoice_sequence import InvoiceSequence
from domain.license import License
from domain.license_usage import LicenseUsage
from domain.release import Release
from domain.reseller import Reseller
from domain.reseller_plan import ResellerPlan
from domain.session import Session
from domain.staff_view import StaffView
from domain.suppression import Suppression
from domain.support_counter import SupportCounter
from domain.support_request import SupportRequest
from domain.user import User
from domain.verification_code import VerificationCode

__all__ = ["CONTRACT", "EVENT_TYPES", "STREAM", "SUBJECT_PREFIX", "PortalEvent", "json_schema", "schema_version",
           "subject", "to_public", "upcast"]

CONTRACT: dict[type, type[PortalEvent]] = {
    Account.Opened: accounts.AccountOpened,
    Account.ContactChanged: accounts.AccountContactChanged,
    Account.PaymentMethodChanged: accounts.AccountPaymentMethodChanged,
    Account.PreferencesChanged: accounts.AccountPreferencesChanged,
    Account.DisabledChanged: accounts.AccountDisabledChanged,
    Account.ApiAccessChanged: accounts.AccountApiAccessChanged,
    Account.ApiKeyCreated: accounts.ApiKeyCreated,
    Account.ApiKeyRevoked: accounts.ApiKeyRevoked,
    User.Registered: accounts.UserRegistered,
    User.PasswordChanged: accounts.UserPasswordChanged,
    User.DisabledChanged: accounts.UserDisabledChanged,
    User.TwoFactorEnabled: accounts.UserTwoFactorEnabled,
    User.CodeAccepted: accounts.UserSecondFactorUsed,
    User.RecoveryCodeUsed: accounts.UserRecoveryCodeUsed,
    User.TwoFactorDisabled: accounts.UserTwoFactorDisabled,
    License.Issued: licenses.LicenseIssued,
    License.Upgraded: licenses.LicenseUpgraded,
    License.KeyReset: licenses.LicenseKeyReset,
    License.Cancelled: licenses.LicenseCancelled,
    License.NamespaceAssigned: licenses.LicenseNamespaceAssigned,
    License.Expired: licenses.LicenseExpired,
    Claim.Claimed: licenses.ValueClaimed,
    Claim.Transferred: licenses.ValueTransferred,
    Claim.Released: licenses.ValueReleased,
    Claim.Taken: licenses.ValueTaken,
    LicenseUsage.Started: usage.LicenseUsageStarted,
    LicenseUsage.ClientLinked: usage.ClientLinked,
    LicenseUsage.ClientUnlinked: usage.ClientUnlinked,
    LicenseUsage.AliasChanged: usage.ClientAliasChanged,
    LicenseUsage.SessionAdmitted: usage.SessionSlotTaken,
    LicenseUsage.SessionReleased: usage.SessionSlotFreed,
    Client.Registered: usage.ClientRegistered,
    Client.SoftwareChanged: usage.ClientSoftwareChanged,
    Client.CameOnline: usage.ClientCameOnline,
    Client.WentOffline: usage.ClientWentOffline,
    Client.Commented: usage.ClientCommented,
    Session.Started: usage.SessionStarted,
    Session.Ended: usage.SessionEnded,
    Session.Commented: usage.SessionCommented,
    AnyDeskCredential.Issued: anydesk.AnyDeskCredentialIssued,
    AnyDeskCredential.PasswordSet: anydesk.AnyDeskApiPasswordSet,
    Email.Queued: mail.EmailQueued,
    Email.Sent: mail.EmailSent,
    Email.Bounced: mail.EmailBounced,
    Email.Suppressed: mail.EmailSuppressed,
    Email.Failed: mail.EmailFailed,
    Suppression.Added: mail.AddressSuppressed,
    Suppression.AddedAgain: mail.AddressSuppressed,
    Suppression.Cleared: mail.SuppressionCleared,
    CustomClient.Requested: files.CustomClientRequested,
    CustomClient.Changed: files.CustomClientChanged,
    CustomClient.VisibilityChanged: files.CustomClientVisibilityChanged,
    CustomClient.LinkRegenerated: files.CustomClientLinkRegenerated,
    CustomClient.RebuildRequested: files.CustomClientRebuildRequested,
    CustomClient.BuildStarted: files.CustomClientBuilding,
    CustomClient.Built: files.CustomClientBuilt,
    CustomClient.BuildFailed: files.CustomClientBuildFailed,
    CustomClient.Deleted: files.CustomClientDeleted,
    CustomClientQuota.Started: files.CustomClientQuotaStarted,
    CustomClientQuota.Held: files.CustomClientSlotTaken,
    CustomClientQuota.Released: files.CustomClientSlotFreed,
    Release.Published: files.SoftwareReleased,
    Release.PublishedAgain: files.SoftwareReleased,
    Account.LevelChanged: customers.AccountLevelChanged,
    Account.AccessibilityChanged: customers.AccountAccessibilityChanged,
    ResellerPlan.Created: customers.ResellerPlanCreated,
    ResellerPlan.Changed: customers.ResellerPlanChanged,
    ResellerPlan.Retired: customers.ResellerPlanRetired,
    Reseller.Started: customers.ResellerStarted,
    Reseller.PlanChanged: customers.ResellerPlanSwitched,
    Reseller.CustomerAdded: customers.ResellerCustomerAdded,
    Reseller.CustomerRemoved: customers.ResellerCustomerRemoved,
    Account.Deleted: customers.AccountDeleted,
    Reseller.ClientCounted: customers.ResellerClientCounted,
    Reseller.ClientUncounted: customers.ResellerClientUncounted,
    Impersonation.Started: impersonations.ImpersonationStarted,
    Impersonation.Ended: impersonations.ImpersonationEnded,
    AccountDomains.Started: domains.AccountDomainsStarted,
    AccountDomains.Claimed: domains.DomainClaimed,
    AccountDomains.Verified: domains.DomainVerified,
    AccountDomains.Removed: domains.DomainRemoved,
    SupportRequest.Opened: support.SupportRequestOpened,
    SupportRequest.CustomerWrote: support.SupportCustomerWrote,
    SupportRequest.StaffAnswered: support.SupportStaffAnswered,
    SupportRequest.StatusChanged: support.SupportStatusChanged,
    SupportCounter.Started: support.SupportCounterStarted,
    SupportCounter.NumberTaken: support.SupportNumberTaken,
    StaffView.Opened: helpdesk.StaffViewed,
    VerificationCode.Sent: helpdesk.VerificationCodeSent,
    VerificationCode.SentAgain: helpdesk.VerificationCodeSent,
    VerificationCode.Checked: helpdesk.VerificationCodeChecked,
    HelpDeskAccess.Given: helpdesk.HelpDeskAccessChanged,
    HelpDeskAccess.Changed: helpdesk.HelpDeskAccessChanged,
    HelpDeskAccess.SessionStarted: helpdesk.ReadOnlySessionStarted,
    HelpDeskAccess.SessionEnded: helpdesk.ReadOnlySessionEnded,
    License.Renewed: licenses.LicenseRenewed,
    Invoice.Issued: invoices.InvoiceIssued,
    Invoice.Paid: invoices.InvoicePaid,
    Invoice.PaymentFailed: invoices.InvoicePaymentFailed,
    Invoice.Uncollectible: invoices.InvoiceUncollectible,
    Invoice.Voided: invoices.InvoiceVoided,
    InvoiceSequence.Started: invoices.InvoiceSequenceStarted,
    InvoiceSequence.NumberTaken: invoices.InvoiceNumberTaken,
    Account.InvoiceOpened: invoices.AccountInvoiceOpened,
    Account.InvoiceClosed: invoices.AccountInvoiceClosed,
}

EVENT_TYPES: dict[str, type[PortalEvent]] = {t.__name__: t for t in CONTRACT.values()}


def to_public(domain_event: Any) -> PortalEvent:
    """The contract struct for a stored domain event (KeyError for an event type without a contract)."""
    struct = CONTRACT[type(domain_event)]
    stored = redacted(vars(domain_event))
    own = {f: stored[f] for f in struct.__struct_fields__ if f not in _COMMON and f in stored}  # older: defaults
    # Not `convert`: from the relay the actor's name is sealed (domain.personal), which Actor's type does not say.
    actor = Actor(**{k: v for k, v in domain_event.actor.items() if k in Actor.__struct_fields__}) \
        if domain_event.actor else None
    return struct(account_id=domain_event.account_id, aggregate_id=domain_event.originator_id,
                  aggregate_version=domain_event.originator_version,
                  occurred_at=domain_event.timestamp, actor=actor, **own)


KEYS_BEFORE_V2 = frozenset({"LicenseIssued", "LicenseKeyReset", "ValueClaimed"})


def upcast(event_type: str, body: bytes) -> bytes:
    """A published body as today's contract has it: messages published before version 2 carried license keys
    (still on the stream, and read by projectors that were behind); they get the fingerprints instead."""
    if event_type not in KEYS_BEFORE_V2:
        return body
    old = msgspec.json.decode(body)
    new = redacted(old)
    return body if new == old else msgspec.json.encode(new)


def subject(event: PortalEvent) -> str:
    return f"{SUBJECT_PREFIX}.{event.account_id}.{event.aggregate}.{type(event).__name__}"


def schema_version(struct: type[PortalEvent]) -> int:
    return struct.SCHEMA_VERSION


def json_schema() -> dict[str, Any]:
    """The whole contract as JSON Schema: each event type with its version, NATS subject and headers."""
    types = sorted(EVENT_TYPES.values(), key=lambda t: t.__name__)
    _, components = msgspec.json.schema_components([*types, Sealed], ref_template="#/$defs/{name}")
    for component in components.values():
        sealed_in_schema(component)
    events = {t.__name__: {"version": schema_version(t), "aggregate": t.aggregate,
                           "subject": f"{SUBJECT_PREFIX}.{{account_id}}.{t.aggregate}.{t.__name__}",
                           "schema": {"$ref": f"#/$defs/{t.__name__}"}} for t in types}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Portal events",
            "stream": STREAM, "headers": ["Nats-Msg-Id", "Portal-Position", "Portal-Event-Type",
                                          "Portal-Schema-Version"],
            "events": events, "$defs": components}


def sealed_in_schema(component: dict[str, Any]) -> None:
    """A struct's schema with its personal fields as they are published: sealed (or null, where they may be)."""
    sealed = {"$ref": "#/$defs/Sealed", "description": "personal data, sealed with the account's data key"}
    for name, field in component.get("properties", {}).items():
        if name in PERSONAL:
            nullable = {"type": "null"} in field.get("anyOf", [])
            component["properties"][name] = {"anyOf": [sealed, {"type": "null"}]} if nullable else sealed


_COMMON = frozenset(PortalEvent.__struct_fields__)
