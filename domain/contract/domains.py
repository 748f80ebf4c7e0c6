"""Published events of the domains an account claims and verifies. A domain name is the organisation's own,
published in DNS; the token is what it publishes there, so neither is personal data."""

from datetime import datetime

from domain.contract.base import PortalEvent


class AccountDomainsStarted(PortalEvent):
    aggregate = "domains"


class DomainClaimed(PortalEvent):
    aggregate = "domains"
    domain: str  # the ASCII (A-label) form, lower case
    token: str  # verified by the TXT record portal-verification=<token>


class DomainVerified(PortalEvent):
    aggregate = "domains"
    domain: str
    verified_at: datetime


class DomainRemoved(PortalEvent):
    aggregate = "domains"
    domain: str
    was_verified: bool  # then the domain is free for another account to verify
