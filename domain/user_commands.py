"""Commands on users and access: logins, passwords, two-factor, members, staff, API keys, disabling."""

import base64
import secrets
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain import totp
from domain.account import Account
from domain.errors import CannotDisableSelf, EmailTaken, NotAllowed, NotFound, RuleViolation
from domain.store import PortalStore, now
from domain.text import plain_text
from domain.user import PLATFORM_ROLES, User
from domain.i18n import N_

# The platform's own account: staff users (administrators, resellers, help desk, auditors) belong to it.
PLATFORM_ACCOUNT = uuid5(NAMESPACE_URL, "portal:platform")


def normalised_email(email: str) -> str:
    """E-mail addresses are one login whatever their case."""
    return email.strip().lower()


def new_recovery_codes(count: int = 10) -> list[str]:
    """80 random bits each, as four groups of base32 (letters and 2-7: no 0/O or 1/I to confuse)."""
    codes = [base64.b32encode(secrets.token_bytes(10)).decode() for _ in range(count)]
    return ["-".join(code[i:i + 4] for i in range(0, 16, 4)) for code in codes]


class UserCommands(PortalStore):
    def find_login(self, email: str) -> User:
        """The user who logs in with this e-mail (NotFound if none)."""
        try:
            return self.repository.get(User.id_for(normalised_email(email)))
        except AggregateNotFoundError:
            raise NotFound(N_("No such login")) from None

    def find_login_or_none(self, email: str) -> User | None:
        try:
            return self.find_login(email)
        except NotFound:
            return None

    def account_disabled(self, account_id: UUID) -> bool:
        """Whether the account is switched off (the platform's own account never is)."""
        return account_id != PLATFORM_ACCOUNT and self.account(account_id).disabled

    def user(self, user_id: UUID) -> User:
        try:
            user: object = self.repository.get(user_id)
        except AggregateNotFoundError:
            raise NotFound(N_("No such user")) from None
        if not isinstance(user, User):
            raise NotFound(N_("No such user"))
        return user

    def member(self, account_id: UUID, user_id: UUID) -> User:
        """A user of this account (another account's user ids are NotFound)."""
        user = self.user(user_id)
        if user.account_id != account_id:
            raise NotFound(N_("No such user"))
        return user

    def add_user(self, account_id: UUID, email: str, name: str, password_hash: str,
                 platform_role: str | None = None) -> tuple[UUID, int]:
        """A member of a customer account or, for the platform account, a staff user with a platform role."""
        email = plain_text(normalised_email(email), "email")
        plain_text(name, "name")
        if (platform_role is not None) != (account_id == PLATFORM_ACCOUNT) or \
                (platform_role is not None and platform_role not in PLATFORM_ROLES):
            raise RuleViolation(N_("Staff belong to the platform, with a role of {roles}"), roles=", ".join(PLATFORM_ROLES),
                                field="role")
        user_id = User.id_for(email)

        def work() -> list[Aggregate]:
            if self._exists(user_id):
                raise EmailTaken(N_("This e-mail address already has a login"), field="email")
            if platform_role is None:
                self.account(account_id)  # a member joins an existing account
            return [User(account_id=account_id, email=email, name=name,
                         account_role=None if platform_role else "member", platform_role=platform_role,
                         password_hash=password_hash)]
        return user_id, self._transact(account_id, work)

    def change_password(self, user_id: UUID, password_hash: str) -> int:
        user = self.user(user_id)
        return self._change(User, user_id, user.account_id, lambda u: u.change_password(password_hash=password_hash))

    def set_user_disabled(self, account_id: UUID, user_id: UUID, disabled: bool, by: UUID | None = None) -> int:
        """`by`: the user giving the command, who can neither disable nor re-enable themself."""
        if user_id == by:
            raise CannotDisableSelf(N_("You cannot disable yourself"), field="user_id")

        def check(user: User) -> None:
            if user.account_role == "owner":
                raise NotAllowed(N_("The account's owner cannot be disabled"), field="user_id")
            user.set_disabled(disabled)
        self.member(account_id, user_id)
        return self._change(User, user_id, account_id, check)

    def start_two_factor(self) -> str:
        """A new secret for the user's authenticator app; nothing is recorded until it is confirmed."""
        return totp.new_secret()

    def enable_two_factor(self, user_id: UUID, secret: str, code: str) -> tuple[list[str], int]:
        """Answers the one-time recovery codes (shown once; only their digests are kept) and the position."""
        codes = new_recovery_codes()
        user = self.user(user_id)
        position = self._change(User, user_id, user.account_id,
                                lambda u: u.enable_two_factor(secret, code, codes, now()))
        return codes, position

    def disable_two_factor(self, user_id: UUID, code: str) -> int:
        user = self.user(user_id)
        return self._change(User, user_id, user.account_id, lambda u: u.disable_two_factor(code, now()))

    def check_second_factor(self, user_id: UUID, code: str) -> int:
        """At login: a current code, or a recovery code (recorded as spent)."""
        user = self.user(user_id)
        return self._change(User, user_id, user.account_id, lambda u: u.check_second_factor(code, now()))

    # -- account access ----------------------------------------------------------------------------------

    def set_account_disabled(self, account_id: UUID, disabled: bool) -> int:
        return self._change(Account, account_id, account_id, lambda a: a.set_disabled(disabled))

    def set_api_access(self, account_id: UUID, enabled: bool) -> int:
        return self._change(Account, account_id, account_id, lambda a: a.set_api_access(enabled))

    def create_api_key(self, account_id: UUID, name: str, scope: str, prefix: str) -> tuple[str, int]:
        key_id = secrets.token_hex(8)
        return key_id, self._change(Account, account_id, account_id,
                                    lambda a: a.create_api_key(key_id, name, scope, prefix))

    def revoke_api_key(self, account_id: UUID, key_id: str) -> int:
        return self._change(Account, account_id, account_id, lambda a: a.revoke_api_key(key_id))
