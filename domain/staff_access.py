"""What every time-boxed staff access to a customer shares (an impersonation, a help-desk read-only session):
a reason the customer reads, a length within the kind's maximum, whole-second times so the expiry is exact."""

from datetime import datetime, timedelta

from domain.errors import RuleViolation
from domain.i18n import N_


def checked_reason(reason: str, minutes: int, most: int) -> str:
    """The reason as the customer will read it (one line), and the length checked."""
    reason = " ".join(reason.split())
    if not reason:
        raise RuleViolation(N_("reason: say why you need to access the customer's account"), field="reason")
    if not 1 <= minutes <= most:
        raise RuleViolation(N_("minutes: from 1 to {most}"), field="minutes", most=most)
    return reason


def time_box(started: datetime, minutes: int, until: datetime | None = None) -> tuple[datetime, datetime]:
    """Start and expiry in whole seconds; never past `until` (the end of the customer's consent)."""
    started = started.replace(microsecond=0)
    expires = started + timedelta(minutes=minutes)
    return started, min(expires, until) if until is not None else expires
