"""Commands of an account's domains: its owner claims one, verifies it (the gateway hands over the TXT records
DNS answered) and removes it. A verified domain is held by one account at a time, through its `Claim`."""

import secrets
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.account_domains import AccountDomains
from domain.claim import Claim
from domain.errors import DomainTaken, NotFound
from domain.i18n import N_
from domain.store import PortalStore, now

DOMAIN_CLAIM = "domain"  # the kind of the Claim holding a verified domain


class DomainCommands(PortalStore):
    def account_domains(self, account_id: UUID) -> AccountDomains | None:
        try:
            return self._owned(AccountDomains, AccountDomains.id_for(account_id), account_id)
        except NotFound:
            return None

    def claim_domain(self, account_id: UUID, domain: str) -> tuple[str, int]:
        """Answers the domain's token (a claimed domain keeps its own) and the position."""
        self.account(account_id)
        token = secrets.token_urlsafe(24)
        claimed: list[str] = []

        def work() -> list[Aggregate]:
            self._free_for(account_id, domain)
            domains = self.account_domains(account_id) or AccountDomains(account_id=account_id)
            domains.claim(domain, token)
            claimed[:] = [domains.token(domain)]
            return [domains]
        position = self._transact(account_id, work)
        return claimed[0], position

    def verify_domain(self, account_id: UUID, domain: str, records: list[str]) -> int:
        """Verifies the domain if `records` (its TXT strings) hold its token, taking the domain's claim in the
        same save: of two accounts verifying one domain at once, one wins and the other meets DomainTaken."""
        def work() -> list[Aggregate]:
            domains = self._claimed(account_id)
            if domains.is_verified(domain):
                return []
            claim = self._free_for(account_id, domain)
            domains.verify(domain, records, now())
            if claim is None:
                return [domains, Claim(account_id=account_id, kind=DOMAIN_CLAIM, value=domain)]
            if claim.released:
                claim.take(account_id)
            else:
                claim.transfer(account_id)  # from a deleted account (or already this account's)
            return [domains, claim]
        return self._transact(account_id, work)

    def remove_domain(self, account_id: UUID, domain: str) -> int:
        """A verified domain's claim is released with it, in the same save."""
        def work() -> list[Aggregate]:
            domains = self._claimed(account_id)
            verified = domains.is_verified(domain)
            domains.remove(domain)
            if not verified:
                return [domains]
            claim = self._domain_claim(domain)
            if claim is not None and claim.account_id == account_id:
                claim.release()
                return [domains, claim]
            return [domains]
        return self._transact(account_id, work)

    def _claimed(self, account_id: UUID) -> AccountDomains:
        domains = self.account_domains(account_id)
        if domains is None:
            raise NotFound(N_("No such domain"))
        return domains

    def _domain_claim(self, domain: str) -> Claim | None:
        try:
            claim: Claim = self.repository.get(Claim.id_for(DOMAIN_CLAIM, domain))
        except AggregateNotFoundError:
            return None
        return claim

    def _free_for(self, account_id: UUID, domain: str) -> Claim | None:
        """The domain's claim, unless another account holds it: a held domain stays its holder's until it is
        removed there or its account is deleted (DomainTaken)."""
        claim = self._domain_claim(domain)
        if claim is not None and not claim.released and claim.account_id != account_id and \
                not self.account(claim.account_id).deleted:
            raise DomainTaken(N_("Another account has verified {domain}"), field="domain", domain=domain)
        return claim
