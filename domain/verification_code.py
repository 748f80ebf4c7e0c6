"""The help desk's "send code": a 6-digit code e-mailed to the user being helped, which the caller reads back.

Only a digest is kept: HMAC-SHA256 of the code under a random salt of its own, the digest sealed with the
account's key like personal data (its field name is in domain/personal.py's PERSONAL), so neither the event
store nor any read model holds a code. A code expires after 10 minutes and allows 5 attempts; the attempts
are counted here, so concurrent checks meet the version check instead of each seeing attempts left. A user is
sent at most 3 codes in 15 minutes.
"""

import hashlib
import hmac
import math
import secrets
from datetime import datetime, timedelta
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import TooManyRequests
from domain.i18n import N_
from domain.tenant import TenantAggregate

VALID = timedelta(minutes=10)
ATTEMPTS = 5
SENDS, SEND_WINDOW = 3, timedelta(minutes=15)


def code_digest(code: str, salt: str) -> str:
    return hmac.new(bytes.fromhex(salt), code.encode(), hashlib.sha256).hexdigest()


class VerificationCode(TenantAggregate):
    stamped = ("account_id", "user_id")

    class Event(TenantAggregate.Event):
        user_id: UUID

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(user_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:verification-code:{user_id}")

    @staticmethod
    def new_code() -> tuple[str, str, str]:
        """A code, its salt and its digest."""
        code, salt = f"{secrets.randbelow(1_000_000):06d}", secrets.token_hex(16)
        return code, salt, code_digest(code, salt)

    @classmethod
    def first(cls, account_id: UUID, user_id: UUID, staff_user_id: UUID,
              now: datetime) -> tuple["VerificationCode", str]:
        """The user's first code: the aggregate and the code, for the e-mail only."""
        code, salt, digest = cls.new_code()
        return cls(account_id=account_id, user_id=user_id, code_digest=digest, salt=salt, sent_at=now,
                   expires_at=now + VALID, staff_user_id=staff_user_id), code

    @event("Sent")
    def __init__(self, account_id: UUID, user_id: UUID, code_digest: str, salt: str, sent_at: datetime,
                 expires_at: datetime, staff_user_id: UUID) -> None:
        self.account_id = account_id
        self.user_id = user_id
        self.sent: list[datetime] = []  # within the last window
        self._take(code_digest, salt, sent_at, expires_at)

    def send(self, staff_user_id: UUID, now: datetime) -> str:
        """Answers a new code, for the e-mail only; the one before stops working."""
        recent = [at for at in self.sent if at > now - SEND_WINDOW]
        if len(recent) >= SENDS:
            seconds = math.ceil((min(recent) + SEND_WINDOW - now).total_seconds())
            raise TooManyRequests(N_("This user was sent {sends} codes in {minutes} minutes; try again in "
                                     "{seconds} seconds"), retry_after=seconds, sends=SENDS,
                                  minutes=int(SEND_WINDOW.total_seconds() // 60), seconds=seconds)
        code, salt, digest = self.new_code()
        self._sent_again(code_digest=digest, salt=salt, sent_at=now, expires_at=now + VALID,
                         staff_user_id=staff_user_id)
        return code

    @event("SentAgain")
    def _sent_again(self, code_digest: str, salt: str, sent_at: datetime, expires_at: datetime,
                    staff_user_id: UUID) -> None:
        self._take(code_digest, salt, sent_at, expires_at)

    def _take(self, code_digest: str, salt: str, sent_at: datetime, expires_at: datetime) -> None:
        self.code_digest: str | None = code_digest
        self.salt = salt
        self.expires_at = expires_at
        self.attempts_left = ATTEMPTS
        self.sent = [at for at in self.sent if at > sent_at - SEND_WINDOW] + [sent_at]

    def check(self, code: str, staff_user_id: UUID, now: datetime) -> tuple[bool, int]:
        """Whether `code` is the current one; every check counts, and a right code works once."""
        live = self.code_digest is not None and now < self.expires_at
        if not live or self.attempts_left == 0:
            verified, left = False, 0
        else:
            verified = hmac.compare_digest(code_digest(code, self.salt), self.code_digest or "")
            left = 0 if verified else self.attempts_left - 1
        self._checked(verified=verified, attempts_left=left, staff_user_id=staff_user_id)
        return verified, left

    @event("Checked")
    def _checked(self, verified: bool, attempts_left: int, staff_user_id: UUID) -> None:
        self.attempts_left = attempts_left
        if verified:
            self.code_digest = None
