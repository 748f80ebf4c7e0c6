"""The domains an account claims: each gets a token, and is verified once DNS publishes the TXT record
`portal-verification=<token>` under it. The gateway looks the records up; the rule reads them here.

That a verified domain belongs to one account only is a rule across accounts: the domain's `Claim`
(domain/claim.py, kind `domain`) holds it, saved with the verification (domain/domain_commands.py).
"""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import NotFound, RuleViolation
from domain.i18n import N_
from domain.tenant import TenantAggregate

MAX_DOMAINS = 20
RECORD_PREFIX = "portal-verification="


class AccountDomains(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:domains:{account_id}")

    @event("Started")
    def __init__(self, account_id: UUID) -> None:
        self.account_id = account_id
        self.domains: dict[str, dict[str, object]] = {}  # name -> {"token": str, "verified": bool}

    def claim(self, domain: str, token: str) -> None:
        """Claiming a domain already claimed records nothing: it keeps its token."""
        if domain in self.domains:
            return
        if len(self.domains) >= MAX_DOMAINS:
            raise RuleViolation(N_("An account claims at most {limit} domains; remove one first"), field="domain",
                                limit=MAX_DOMAINS)
        self._claimed(domain=domain, token=token)

    @event("Claimed")
    def _claimed(self, domain: str, token: str) -> None:
        self.domains[domain] = {"token": token, "verified": False}

    def token(self, domain: str) -> str:
        return str(self._claimed_domain(domain)["token"])

    def is_verified(self, domain: str) -> bool:
        return bool(self._claimed_domain(domain)["verified"])

    def verify(self, domain: str, records: list[str], at: datetime) -> None:
        """`records`: the TXT strings DNS answered for the domain. Verifying again records nothing."""
        if self.is_verified(domain):
            return
        record = RECORD_PREFIX + self.token(domain)
        if record not in records:
            raise RuleViolation(N_("No TXT record {record} was found at {domain}; publish it and try again (DNS "
                                   "may take a while to show it)"), field="domain", record=record, domain=domain)
        self._verified(domain=domain, verified_at=at)

    @event("Verified")
    def _verified(self, domain: str, verified_at: datetime) -> None:
        self.domains[domain]["verified"] = True

    def remove(self, domain: str) -> None:
        self._removed(domain=domain, was_verified=self.is_verified(domain))

    @event("Removed")
    def _removed(self, domain: str, was_verified: bool) -> None:
        del self.domains[domain]

    def _claimed_domain(self, domain: str) -> dict[str, object]:
        if domain not in self.domains:
            raise NotFound(N_("No such domain"))
        return self.domains[domain]
