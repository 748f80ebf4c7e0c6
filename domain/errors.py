"""Named domain errors. The gateway maps each to an HTTP status in one place (gateway/problems.py).

An error's message is a catalog id (English, marked with `N_`) with named places, and its values travel apart, so
the gateway can say it in the caller's language: `SeatLimitReached(N_("At most {seats} clients"), seats=3)`.
`{field}` is the field at fault, as it is spelled in the request (never translated); a value that is itself a
marked message (`Phrase`) is said in the same language.
"""

from domain.i18n import Phrase, translated


class DomainError(Exception):
    """A rule of the portal refused a command."""

    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None, **values: object) -> None:
        self.message = message
        self.values = {"field": field, **values} if field else values
        self.detail = in_language("en", message, self.values)
        super().__init__(self.detail)
        self.field = field

    def detail_in(self, language: str) -> str:
        return in_language(language, self.message, self.values)


def in_language(language: str, message: str, values: dict[str, object]) -> str:
    """The message in the language, its places filled (a message without values may hold literal braces)."""
    said = translated(language, message)
    if not values:
        return said
    return said.format(**{name: translated(language, value) if isinstance(value, Phrase) else value
                          for name, value in values.items()})


class NotFound(DomainError):
    """The thing does not exist, or belongs to another account (never say which)."""


class EmailTaken(DomainError):
    """Another login already uses this e-mail address."""


class NamespaceTaken(DomainError):
    """Another account already owns this custom namespace."""


class DomainTaken(DomainError):
    """Another account has verified this domain (and still holds it)."""


class ConcurrentChange(DomainError):
    """Others kept changing the same aggregate; the command gave up after retrying."""


class InvalidValue(DomainError):
    """A field's value is not one the portal knows (an unknown time zone, product or choice): 422, as for input
    the gateway refuses itself."""


class RuleViolation(DomainError):
    """The command is well-formed but the account's state forbids it (e.g. a downgrade below usage)."""


class SeatLimitReached(DomainError):
    """The license's maximum of linked clients is reached."""


class SessionLimitReached(DomainError):
    """The license's maximum of concurrent sessions is reached."""


class ActiveDeviceLimitReached(DomainError):
    """The Power tier's maximum of concurrently active devices is reached."""


class AliasTaken(DomainError):
    """Another client of the account already has this alias."""


class InvalidLicenseKey(DomainError):
    """The license key is unknown or no longer current (it was reset)."""


class TwoFactorFailed(DomainError):
    """A two-factor code (or recovery code) was wrong."""


class NotAllowed(DomainError):
    """The caller's role does not allow this (e.g. removing the last owner)."""


class UpgradeRequired(DomainError):
    """The account's tier does not include this feature."""


class CustomClientLimitReached(DomainError):
    """The tier's maximum number of custom clients is reached."""


class InvalidAlias(InvalidValue):
    """The alias does not read name@namespace in a namespace the account owns."""


class AliasLimitReached(RuleViolation):
    """The namespace holds as many aliases as the license allows."""


class SessionNotActive(RuleViolation):
    """The session has already ended."""


class CustomerLimitReached(DomainError):
    """The reseller's plan allows no more customers."""


class ResellerClientLimitReached(DomainError):
    """The clients linked across the reseller's customers would pass its plan's total."""


class NotInPlan(DomainError):
    """The reseller's plan does not offer this (a product, API access, custom namespaces)."""


class AccessEnded(DomainError):
    """The impersonation already ended (by either side) or expired."""


class WeakPassword(InvalidValue):
    """The password is too short, too common, or contains the login's e-mail address."""


class InvalidCredentials(DomainError):
    """The e-mail address and password do not match a login (never say which is wrong)."""


class LoginDisabled(DomainError):
    """The login, or its whole account, is switched off."""


class SecondFactorRequired(DomainError):
    """The login has two-factor authentication on and no code was sent."""


class CannotDisableSelf(RuleViolation):
    """A user cannot disable their own login."""


class TooManyRequests(DomainError):
    """Asked too often within a window (help-desk verification codes); `retry_after` says in how many seconds
    the next may go."""

    def __init__(self, message: str, *, retry_after: int, field: str | None = None, **values: object) -> None:
        super().__init__(message, field=field, **values)
        self.retry_after = retry_after
