"""A person who logs in: to one customer account (owner or member) or to the platform's staff.

The user's id is derived from the login e-mail, so one e-mail is one login platform-wide: a second
registration collides on the event store's version check.
"""

import hashlib
import hmac
import secrets
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain import totp
from domain.errors import RuleViolation, TwoFactorFailed
from domain.tenant import TenantAggregate
from domain.i18n import N_

PLATFORM_ROLES = ("administrator", "reseller", "help desk", "auditor")


def recovery_digest(code: str, salt: str) -> str:
    """What is kept of a recovery code: HMAC-SHA256 keyed with the user's own random salt. A code carries 80
    random bits, so a fast hash cannot be guessed offline, and the salt makes equal codes of two users differ.
    An empty salt is how codes issued before were kept: SHA-256 of 32 hex bits. They keep working once each."""
    if not salt:
        return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()
    typed = code.replace("-", "").replace(" ", "").upper()
    return hmac.new(bytes.fromhex(salt), typed.encode(), hashlib.sha256).hexdigest()


class User(TenantAggregate):
    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:user:{email}")

    @event("Registered")
    def __init__(self, account_id: UUID, email: str, name: str, account_role: str | None,
                 platform_role: str | None, password_hash: str) -> None:
        self.account_id = account_id
        self.email = email
        self.name = name
        self.account_role = account_role
        self.platform_role = platform_role
        self.password_hash = password_hash
        self.disabled = False
        self.two_factor_secret: str | None = None
        self.recovery_digests: list[str] = []
        self.recovery_salt = ""
        self.last_code_step = 0  # a code works once (RFC 6238 section 5.2)

    @property
    def role(self) -> str:
        return self.platform_role or self.account_role or "member"

    @event("PasswordChanged")
    def change_password(self, password_hash: str) -> None:
        self.password_hash = password_hash

    def set_disabled(self, disabled: bool) -> None:
        if disabled != self.disabled:
            self._disabled_changed(disabled=disabled)

    @event("DisabledChanged")
    def _disabled_changed(self, disabled: bool) -> None:
        self.disabled = disabled

    # -- two-factor authentication -----------------------------------------------------------------------

    def enable_two_factor(self, secret: str, code: str, recovery_codes: list[str], now: datetime) -> None:
        if self.two_factor_secret is not None:
            raise RuleViolation(N_("Two-factor authentication is already on; turn it off first"))
        step = totp.matching_step(secret, code, now)
        if step is None:
            raise TwoFactorFailed(N_("The code does not match: check the phone's clock and try the next code"),
                                  field="code")
        salt = secrets.token_hex(16)
        self._two_factor_enabled(secret=secret, recovery_digests=[recovery_digest(c, salt) for c in recovery_codes],
                                 step=step, recovery_salt=salt)

    @event("TwoFactorEnabled")
    def _two_factor_enabled(self, secret: str, recovery_digests: list[str], step: int = 0,
                            recovery_salt: str = "") -> None:  # events stored before salts have none
        self.two_factor_secret = secret
        self.recovery_digests = recovery_digests
        self.recovery_salt = recovery_salt
        self.last_code_step = step

    def check_second_factor(self, code: str, now: datetime) -> None:
        """Accepts a current code, or spends one recovery code (each works once)."""
        if self.two_factor_secret is None:
            return
        step = totp.matching_step(self.two_factor_secret, code, now)
        if step is not None:
            if step <= self.last_code_step:
                raise TwoFactorFailed(N_("This code was used already; wait for the next one"), field="code")
            self._code_accepted(step=step)
            return
        digest = recovery_digest(code, self.recovery_salt)
        for stored in self.recovery_digests:
            if hmac.compare_digest(stored, digest):
                self._recovery_code_used(recovery_digest=stored)
                return
        raise TwoFactorFailed(N_("The two-factor code is wrong"), field="code")

    @event("CodeAccepted")
    def _code_accepted(self, step: int) -> None:
        self.last_code_step = step

    @event("RecoveryCodeUsed")
    def _recovery_code_used(self, recovery_digest: str) -> None:
        self.recovery_digests = [d for d in self.recovery_digests if d != recovery_digest]

    def disable_two_factor(self, code: str, now: datetime) -> None:
        if self.two_factor_secret is None:
            raise RuleViolation(N_("Two-factor authentication is not on"))
        self.check_second_factor(code, now)
        self._two_factor_disabled()

    @event("TwoFactorDisabled")
    def _two_factor_disabled(self) -> None:
        self.two_factor_secret = None
        self.recovery_digests = []
        self.recovery_salt = ""
