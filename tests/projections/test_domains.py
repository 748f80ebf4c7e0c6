"""The domains read model (projections.domains) fed contract events: claimed, verified, removed, erased."""

import pytest

from domain.contract.customers import AccountDeleted
from domain.contract.domains import DomainClaimed, DomainRemoved, DomainVerified
from projections.domains import DOMAINS, domains_of
from tests.projections.conftest import Feed


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, DOMAINS)


async def test_a_claimed_domain_is_listed_unverified_with_its_token(feed):
    await feed(DomainClaimed, domain="b.example", token="t2")
    await feed(DomainClaimed, domain="a.example", token="t1")

    listed = await domains_of(feed.conn, feed.account_id)

    assert [(d.domain, d.token, d.verified, d.claimed_at) for d in listed] == [
        ("a.example", "t1", False, feed.at(2)), ("b.example", "t2", False, feed.at(1))]


async def test_a_verified_domain_shows_when(feed):
    await feed(DomainClaimed, domain="a.example", token="t1")
    await feed(DomainVerified, domain="a.example", verified_at=feed.at(9))

    [shown] = await domains_of(feed.conn, feed.account_id)

    assert (shown.verified, shown.verified_at) == (True, feed.at(9))


async def test_a_removed_domain_is_gone(feed):
    await feed(DomainClaimed, domain="a.example", token="t1")
    await feed(DomainRemoved, domain="a.example", was_verified=False)

    assert await domains_of(feed.conn, feed.account_id) == []


async def test_a_redelivered_claim_keeps_the_verification_since(feed):
    await feed(DomainClaimed, domain="a.example", token="t1")
    claim = feed.last
    await feed(DomainVerified, domain="a.example", verified_at=feed.at(9))

    await feed.deliver(*claim)

    assert (await domains_of(feed.conn, feed.account_id))[0].verified


async def test_a_deleted_accounts_domains_are_erased(feed):
    await feed(DomainClaimed, domain="a.example", token="t1")
    await feed(AccountDeleted)

    assert await domains_of(feed.conn, feed.account_id) == []
