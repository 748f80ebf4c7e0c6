"""The account's domains: its owner claims one, publishes the TXT record `portal-verification=<token>` under it,
and asks us to verify it; we look the record up in DNS (dnspython, through `PORTAL_DNS_RESOLVER` when set)."""

from datetime import datetime
from typing import Annotated, Any

import asyncpg
import dns.asyncresolver
import dns.exception
import dns.resolver
import idna
import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.account_domains import RECORD_PREFIX
from domain.application import Portal
from domain.errors import NotFound
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, off_loop, reach
from gateway.identity import Caller, owner
from gateway.problems import Problem
from projections.domains import DOMAINS, DomainRow, domains_of

DNS_SECONDS = 5.0  # the longest a verification waits for DNS


class DomainRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    domain: Annotated[str, msgspec.Meta(max_length=300, description="A domain name such as example.com or "
                                                                     "bücher.example")]


class DomainView(msgspec.Struct, kw_only=True):
    domain: str  # the ASCII (A-label) form, as DNS knows it
    unicode: str  # as people write it
    record: str  # the TXT record to publish under the domain
    verified: bool
    claimed_at: datetime | None = None
    verified_at: datetime | None = None


class ClaimedDomain(DomainView, kw_only=True):
    position: int  # the claim's event position (X-Min-Position for the list)


class DomainList(msgspec.Struct, kw_only=True):
    items: list[DomainView]  # an account has at most a few dozen: one page holds them
    next_cursor: str | None = None


def domain_name(text: str) -> str:
    """The domain's A-label form (IDNA 2008 with UTS #46 mapping, as browsers read names), or a 422 naming
    `domain`: at least two labels, letters, digits and hyphens in each, a top-level label that is not a number."""
    try:
        name = idna.encode(text.strip().removesuffix("."), uts46=True, std3_rules=True).decode()
    except (idna.IDNAError, UnicodeError):
        name = ""
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253 or labels[-1].isdigit():
        raise Problem(422, "validation", N_("domain: a domain name such as example.com"), field="domain")
    return name


def view(row: DomainRow) -> DomainView:
    return DomainView(domain=row.domain, unicode=idna.decode(row.domain), record=RECORD_PREFIX + row.token,
                      verified=row.verified, claimed_at=row.claimed_at, verified_at=row.verified_at)


def resolver(configured: str | None) -> dns.asyncresolver.Resolver:
    """The system's resolver, or the one server `host:port` names (IPv6 in brackets)."""
    if not configured:
        return dns.asyncresolver.Resolver()
    host, _, port = configured.rpartition(":")
    chosen = dns.asyncresolver.Resolver(configure=False)
    chosen.nameservers = [host.strip("[]")]
    chosen.port = int(port)
    return chosen


async def txt_records(configured: str | None, name: str) -> list[str]:
    """The domain's own TXT strings (none when it has none or does not exist)."""
    try:
        answer = await resolver(configured).resolve(name, "TXT", lifetime=DNS_SECONDS)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException:
        raise Problem(503, "dns-unavailable", N_("DNS did not answer for {domain}; try again shortly"),
                      headers={"Retry-After": "10"}, domain=name) from None
    return [b"".join(r.strings).decode(errors="replace") for r in answer]


class DomainsController(Controller):
    path = "/v1/account/domains"
    tags = ["account"]
    dependencies = {"caller": Provide(owner)}

    @get("", summary="The account's claimed domains, by name, with the TXT record each needs to be verified")
    async def list_domains(self, caller: Caller, state: State, pool: asyncpg.Pool,
                           min_position: Annotated[int | None, MinPosition] = None) -> DomainList:
        await reach(state, DOMAINS.name, min_position)
        return DomainList(items=[view(row) for row in await domains_of(pool, caller.account_id)])

    @post("", status_code=201, summary="Claim a domain: answers the TXT record to publish under it (claiming "
                                       "it again answers the same record)")
    async def claim(self, data: DomainRequest, caller: Caller, portal: Portal) -> Response[Any]:
        name = domain_name(data.domain)
        token, position = await command(caller.actor, portal.claim_domain, caller.account_id, name)
        return accepted(position, ClaimedDomain(domain=name, unicode=idna.decode(name), verified=False,
                                                record=RECORD_PREFIX + token, position=position), status=201)

    @post("/{domain:str}/verify", status_code=200, summary="Verify a claimed domain: its TXT record must hold the "
                                                           "token (409 until DNS shows it)")
    async def verify(self, domain: str, caller: Caller, portal: Portal, state: State) -> Response[Any]:
        name = domain_name(domain)
        claimed = await off_loop(portal.account_domains, caller.account_id)
        if claimed is None or name not in claimed.domains:  # no DNS query for a domain that is not ours
            raise NotFound(N_("No such domain"))
        records = await txt_records(state.settings.dns_resolver, name)
        return accepted(await command(caller.actor, portal.verify_domain, caller.account_id, name, records))

    @delete("/{domain:str}", status_code=200, summary="Remove a domain; a verified one is free for others again")
    async def remove(self, domain: str, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.remove_domain, caller.account_id, domain_name(domain)))
