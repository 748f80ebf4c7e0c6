"""Commands of customer administration: reseller plans, and customers created and changed by administrators
or by their reseller, within the reseller's plan."""

import secrets
from datetime import timedelta
from uuid import UUID, uuid4

import msgspec
from eventsourcing.domain import Aggregate

from domain import luhn
from domain.account import Account
from domain.catalog import FREE, PRODUCTS, Product
from domain.claim import Claim
from domain.email_commands import EmailCommands
from domain.errors import EmailTaken, InvalidValue, NotAllowed, RuleViolation
from domain.license import License
from domain.license_commands import new_license_key
from domain.reseller import Reseller, require_offered
from domain.reseller_plan import PlanLimits, ResellerPlan, checked_limits, plan_fields
from domain.reseller_store import ResellerStore
from domain.store import now
from domain.text import plain_text
from domain.user import User
from domain.user_commands import PLATFORM_ACCOUNT, normalised_email
from domain.i18n import N_


def new_customer_number() -> str:
    """Nine digits: eight random and a Luhn check digit, so support can spot a mistyped number."""
    body = str(secrets.randbelow(90_000_000) + 10_000_000)
    return body + luhn.check_digit(body)


class Profile(msgspec.Struct, kw_only=True):
    """What an administrator (or reseller) sets when creating a customer."""

    name: str
    phone: str = ""
    enabled: bool = True
    api_access: bool = True
    account_type: str = "customer"
    plan_id: UUID | None = None  # the plan a reseller account holds
    product: str = FREE.code
    time_zone: str | None = None
    accessibility: bool = False


class Changes(msgspec.Struct, kw_only=True):
    """What may change later; None leaves a field as it is."""

    name: str | None = None
    phone: str | None = None
    enabled: bool | None = None
    api_access: bool | None = None
    account_type: str | None = None
    plan_id: UUID | None = None
    product: str | None = None
    time_zone: str | None = None
    accessibility: bool | None = None


class CustomerCommands(ResellerStore, EmailCommands):
    # -- plans -------------------------------------------------------------------------------------------

    def create_plan(self, name: str, limits: PlanLimits) -> tuple[UUID, int]:
        plan_id = uuid4()
        checked_limits(limits)
        return plan_id, self._transact(PLATFORM_ACCOUNT, lambda: [ResellerPlan(
            account_id=PLATFORM_ACCOUNT, plan_id=plan_id, name=name, **plan_fields(limits))])

    def change_plan(self, plan_id: UUID, name: str, limits: PlanLimits) -> int:
        self.plan(plan_id)
        return self._change(ResellerPlan, plan_id, PLATFORM_ACCOUNT, lambda plan: plan.change(name, limits))

    def retire_plan(self, plan_id: UUID) -> int:
        """No reseller gets the plan any more; those holding it keep it."""
        self.plan(plan_id)
        return self._change(ResellerPlan, plan_id, PLATFORM_ACCOUNT, lambda plan: plan.retire())

    def _open_plan(self, plan_id: UUID) -> PlanLimits:
        plan = self.plan(plan_id)
        if plan.retired:
            raise RuleViolation(N_("The plan is retired; choose another"), field="plan_id")
        return plan.limits

    # -- customers ---------------------------------------------------------------------------------------

    def create_customer(self, email: str, password_hash: str, profile: Profile,
                        manager_id: UUID | None = None) -> tuple[UUID, str, int]:
        """Open an account with its owner and license; `manager_id` is the reseller who manages it (its
        account, or a staff reseller's user id). Answers (account id, customer number, position)."""
        email = plain_text(normalised_email(email), "email")
        tier = self._checked_profile(profile, manager_id)
        opened: list[tuple[UUID, str]] = []

        def work() -> list[Aggregate]:
            if self._exists(User.id_for(email)):
                raise EmailTaken(N_("An account with this e-mail address already exists"), field="email")
            account_id, number = uuid4(), new_customer_number()  # fresh on a retry: the number may collide
            opened.append((account_id, number))
            created = self._new_customer(account_id, number, email, password_hash, profile, tier, manager_id)
            fresh = self.held_by(manager_id)  # this attempt's state: a concurrent creation may have won
            if fresh is not None:
                fresh[0].add_customer(account_id, fresh[1])
                created.append(fresh[0])
            return created
        # Creations for one reseller take turns in this process; other processes meet the version check.
        position = self._transact(manager_id or uuid4(), work)
        account_id, number = opened[-1]  # the attempt that was saved
        return account_id, number, position

    def _checked_profile(self, profile: Profile, manager_id: UUID | None) -> Product:
        """Refuse a profile its creator may not give (or its reseller's plan does not offer); answers its tier."""
        plain_text(profile.name, "name")
        if manager_id is not None and profile.account_type != "customer":
            raise NotAllowed(N_("A reseller creates customer accounts only"), field="account_type")
        held = self.held_by(manager_id)
        if (profile.account_type == "reseller") != (profile.plan_id is not None):
            raise RuleViolation(N_("A reseller account needs a plan_id, and only a reseller account holds one"),
                                field="plan_id")
        if profile.plan_id is not None:
            self._open_plan(profile.plan_id)
        tier = PRODUCTS.get(profile.product)
        if tier is None:
            raise InvalidValue(N_("Unknown product {product}"), field="product", product=repr(profile.product))
        if held is not None:
            require_offered(held[1], product=tier.code, api_access=profile.api_access)
        return tier

    def _new_customer(self, account_id: UUID, number: str, email: str, password_hash: str, profile: Profile,
                      tier: Product, manager_id: UUID | None) -> list[Aggregate]:
        """A new customer's aggregates: its account, owner and license, their claims, a reseller's usage."""
        account = Account(account_id=account_id, customer_number=number, email=email, name=profile.name,
                          reseller_id=manager_id)
        self._apply_profile(account, profile)
        owner = User(account_id=account_id, email=email, name=profile.name, account_role="owner",
                     platform_role="administrator" if profile.account_type == "administrator" else None,
                     password_hash=password_hash)
        expires = None if tier.term_days is None else now() + timedelta(days=tier.term_days)
        license_ = License(account_id=account_id, product=tier.code, key=new_license_key(), expires_at=expires)
        created: list[Aggregate] = [account, owner, license_,
                                    Claim(account_id=account_id, kind="customer_number", value=number),
                                    Claim(account_id=account_id, kind="license_key", value=license_.key)]
        if profile.plan_id is not None:
            created.append(Reseller(account_id=account_id, plan_id=profile.plan_id))
        return created

    @staticmethod
    def _apply_profile(account: Account, profile: Profile) -> None:
        if profile.phone:
            account.change_contact(**{**account.contact, "phone": profile.phone})
        account.set_disabled(not profile.enabled)
        account.set_api_access(profile.api_access)
        account.set_level(profile.account_type)
        account.set_accessibility(profile.accessibility)
        if profile.time_zone:
            account.change_preferences(time_zone=profile.time_zone)

    def change_customer(self, account_id: UUID, changes: Changes, manager_id: UUID | None = None) -> int:
        """`manager_id`: the reseller changing its customer (None for an administrator)."""
        if manager_id is not None and (changes.account_type is not None or changes.plan_id is not None):
            raise NotAllowed(N_("Only an administrator changes an account's type or plan"), field="account_type")

        def work() -> list[Aggregate]:
            account = self.account(account_id)
            held = self.held_by(account.reseller_id)
            changed: list[Aggregate] = [account]
            if changes.name is not None or changes.phone is not None:
                account.change_contact(**{**account.contact, "name": changes.name or account.contact["name"],
                                          "phone": account.contact["phone"] if changes.phone is None
                                          else changes.phone})
            if changes.enabled is not None:
                account.set_disabled(not changes.enabled)
            if changes.api_access is not None:
                if held is not None:
                    require_offered(held[1], api_access=changes.api_access)
                account.set_api_access(changes.api_access)
            if changes.time_zone is not None:
                account.change_preferences(time_zone=changes.time_zone)
            if changes.accessibility is not None:
                account.set_accessibility(changes.accessibility)
            if changes.product is not None:
                changed.append(self._upgraded(account_id, changes.product, held))
            if changes.account_type is not None or changes.plan_id is not None:
                changed.append(self._reseller_changed(account, changes))
            return changed
        return self._transact(account_id, work)

    def delete_customer(self, account_id: UUID, confirm: str) -> int:
        """Records the deletion (the caller then destroys the account's key: workers/shredding.py). The account
        refuses it while one of its invoices is unpaid (Account.delete)."""
        def work() -> list[Aggregate]:
            account = self.account(account_id)
            account.delete(confirm)
            held = self.held_by(account.reseller_id)
            if held is not None:
                held[0].remove_customer(account_id)
                return [account, held[0]]
            return [account]
        return self._transact(account_id, work)

    def email_customer(self, account_id: UUID, subject: str, text: str) -> tuple[str, int]:
        """An e-mail from staff to the account's owner, in the account's language, through the outbox; answers
        (email id, position). It is in the account's audit trail and e-mail status like every other."""
        account = self.account(account_id)
        return self.queue_email(account_id, account.email, "notice", {"subject": subject, "message": text},
                                language=account.preferences["language"])

    def _upgraded(self, account_id: UUID, product: str, held: tuple[Reseller, PlanLimits] | None) -> License:
        tier = PRODUCTS.get(product)
        if tier is None:
            raise InvalidValue(N_("Unknown product {product}"), field="product", product=repr(product))
        if held is not None:
            require_offered(held[1], product=product)
        license_ = self.license(account_id)
        if tier.code != license_.product:
            license_.upgrade(tier, now())
        return license_

    def _reseller_changed(self, account: Account, changes: Changes) -> Aggregate:
        """A customer becomes a reseller (with a plan), or a reseller changes plans."""
        level = changes.account_type or account.level
        if level != "reseller" or (account.level == "administrator"):
            raise RuleViolation(N_("The account type changes only from customer to reseller; a plan belongs to a "
                                "reseller account"), field="account_type")
        if changes.plan_id is None:
            raise RuleViolation(N_("A reseller account needs a plan_id"), field="plan_id")
        limits = self._open_plan(changes.plan_id)
        reseller = self.reseller(account.account_id)
        if reseller is None:
            if account.reseller_id is not None:
                raise NotAllowed(N_("A reseller's customer cannot become a reseller itself"), field="account_type")
            account.set_level("reseller")
            return Reseller(account_id=account.account_id, plan_id=changes.plan_id)
        reseller.change_plan(changes.plan_id, limits)
        return reseller
