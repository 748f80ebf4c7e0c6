"""The account's credential for the AnyDesk-compatible REST API: its license id and when its password was set.

The password itself never enters the domain (events are replayed, audited and published): the gateway draws
it, shows it once and keeps it only encrypted. Here is recorded that a password was set, and the rule when.
"""

import hashlib
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import RuleViolation
from domain.tenant import TenantAggregate


def api_license_id(account_id: UUID, customer_number: str) -> str:
    """Sixteen digits, like AnyDesk's: the (unique, claimed) customer number, then seven digits of the account
    id, so the id is unique without a claim of its own and known before any password exists."""
    tail = int.from_bytes(hashlib.sha256(account_id.bytes).digest()[:8]) % 10_000_000
    return f"{customer_number}{tail:07d}"


class AnyDeskCredential(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:anydesk-credential:{account_id}")

    @event("Issued")
    def __init__(self, account_id: UUID, license_id: str) -> None:
        self.account_id = account_id
        self.license_id = license_id
        self.password_set_at: datetime | None = None

    def set_password(self, api_access: bool, now: datetime) -> None:
        if not api_access:
            raise RuleViolation("API access is switched off for this account; ask your administrator")
        self._password_set(at=now)

    @event("PasswordSet")
    def _password_set(self, at: datetime) -> None:
        self.password_set_at = at
