"""The search read model (projections.search) fed contract events: each kind found by each of its attributes,
by prefix and despite a typo, ranked; a reseller's scope; domains; erasure."""

from uuid import UUID, uuid4

import pytest

from domain.contract.accounts import AccountContactChanged, AccountOpened, UserRegistered
from domain.contract.customers import AccountDeleted
from domain.contract.domains import DomainRemoved, DomainVerified
from domain.contract.usage import ClientAliasChanged, ClientLinked, ClientUnlinked
from domain.user_commands import PLATFORM_ACCOUNT
from projections.search import SEARCH, search, users_in_domains_of
from tests.projections.conftest import START, Feed


def word() -> str:
    """A made-up word no other test's rows hold (letters only, so trigrams behave as for names)."""
    return "".join("bcdfghjklmnpqrstvwxz"[b % 20] for b in uuid4().bytes[:5]) + "ia"


def mistyped(text: str) -> str:
    """One letter in the middle wrong, as a typo makes it."""
    middle = len(text) // 2
    return text[:middle] + ("y" if text[middle] != "y" else "w") + text[middle + 1:]


class Customer:
    def __init__(self, feed: Feed, name: str, reseller_id: UUID | None = None) -> None:
        self.feed, self.name, self.reseller_id = feed, name, reseller_id
        self.number = str(uuid4().int)[:9]

    async def open(self) -> "Customer":
        await self.feed(AccountOpened, aggregate_id=self.feed.account_id, customer_number=self.number,
                        email="owner@example.com", name=self.name, reseller_id=self.reseller_id)
        return self

    async def user(self, name: str, email: str) -> UUID:
        user_id = uuid4()
        await self.feed(UserRegistered, aggregate_id=user_id, email=email, name=name, account_role="member",
                        platform_role=None)
        return user_id

    async def verify(self, domain: str) -> None:
        await self.feed(DomainVerified, domain=domain, verified_at=START)


async def customer(conn, name: str, reseller_id: UUID | None = None) -> Customer:
    return await Customer(Feed(conn, SEARCH), name, reseller_id).open()


async def found(conn, q: str, kind: str | None = None, scope: UUID | None = None) -> list[tuple[str, str]]:
    return [(h.kind, h.id) for h in await search(conn, scope, q, kind)]


@pytest.fixture
async def acme(conn) -> Customer:
    return await customer(conn, f"{word()} Logistics")


async def test_a_customer_is_found_by_name_account_id_and_customer_number(conn, acme):
    expected = ("customer", str(acme.feed.account_id))
    for q in (acme.name, str(acme.feed.account_id), acme.number):
        assert expected in await found(conn, q), q


async def test_a_customer_is_found_by_the_start_of_its_name_and_despite_a_typo(conn, acme):
    first = acme.name.split()[0]
    typo = mistyped(first)

    assert ("customer", str(acme.feed.account_id)) in await found(conn, first[:4])
    assert ("customer", str(acme.feed.account_id)) in await found(conn, typo)


async def test_a_customer_is_found_by_its_verified_domain_and_shows_it(conn, acme):
    domain = f"{word()}.example"
    await acme.verify(domain)

    [hit] = await search(conn, None, domain, "customer")

    assert (hit.id, hit.detail) == (str(acme.feed.account_id), f"{acme.number} · {domain}")


async def test_a_removed_domain_no_longer_finds_the_customer(conn, acme):
    domain = f"{word()}.example"
    await acme.verify(domain)
    await acme.feed(DomainRemoved, domain=domain, was_verified=True)

    assert ("customer", str(acme.feed.account_id)) not in await found(conn, domain)  # others' may look alike


async def test_a_renamed_customer_is_found_by_its_new_name(conn, acme):
    new_name = f"{word()} Freight"
    await acme.feed(AccountContactChanged, name=new_name, street="", postal_code="", city="", country="", phone="")

    assert await found(conn, new_name, "customer") == [("customer", str(acme.feed.account_id))]
    assert ("customer", str(acme.feed.account_id)) not in await found(conn, acme.name, "customer")


async def test_a_user_is_found_by_name_user_id_and_email_with_a_typo_and_by_prefix(conn, acme):
    last = word()
    email = f"{last}@{word()}.example"
    user_id = await acme.user(f"Ann {last}", email)
    expected = ("user", str(user_id))

    for q in (f"Ann {last}", str(user_id), email, email[:6], mistyped(last)):
        assert expected in await found(conn, q, "user"), q


async def test_a_client_is_found_by_its_id_and_its_prefix_and_shows_its_alias(conn, acme):
    client_id = str(1_000_000_000 + uuid4().int % 8_999_999_999)
    await acme.feed(ClientLinked, client_id=client_id)
    await acme.feed(ClientAliasChanged, client_id=client_id, alias="desk@acme")

    [hit] = await search(conn, None, client_id, "client")
    assert (hit.id, hit.detail, hit.score) == (client_id, "desk@acme", 1.0)
    assert ("client", client_id) in await found(conn, client_id[:7], "client")


async def test_an_unlinked_client_is_not_found(conn, acme):
    client_id = str(1_000_000_000 + uuid4().int % 8_999_999_999)
    await acme.feed(ClientLinked, client_id=client_id)
    await acme.feed(ClientUnlinked, client_id=client_id)

    assert await found(conn, client_id) == []


async def test_a_whole_word_ranks_above_its_start_and_its_start_above_a_part(conn):
    stem = word()
    exact = await customer(conn, f"{stem} Ltd")
    prefix = await customer(conn, f"{stem}s Ltd")
    inside = await customer(conn, f"x{stem} Ltd")

    hits = await search(conn, None, stem, "customer")

    assert [h.id for h in hits] == [str(c.feed.account_id) for c in (exact, prefix, inside)]
    assert hits[0].score == 1.0 and hits[1].score == 0.9 and hits[2].score < 0.9


async def test_a_likeness_is_sought_only_when_nothing_matches_as_typed(conn):
    stem = word()
    typed = await customer(conn, f"{stem} Ltd")
    await customer(conn, f"{mistyped(stem)} Ltd")

    assert await found(conn, stem, "customer") == [("customer", str(typed.feed.account_id))]


async def test_digits_are_matched_as_typed_never_by_likeness(conn, acme):
    await acme.feed(ClientLinked, client_id="1234567890")

    assert await found(conn, "1234567899") == []


async def test_kind_narrows_the_results(conn, acme):
    await acme.user(acme.name, "ann@example.com")  # a user named like the organisation

    assert {k for k, _ in await found(conn, acme.name)} == {"customer", "user"}
    assert {k for k, _ in await found(conn, acme.name, "user")} == {"user"}


async def test_a_reseller_sees_only_its_own_customers_and_their_users(conn):
    name, mine, theirs = word(), uuid4(), uuid4()
    own = await customer(conn, f"{name} One", reseller_id=mine)
    await own.user(f"{name} Owner", "one@example.com")
    other = await customer(conn, f"{name} Two", reseller_id=theirs)
    await other.user(f"{name} Other", "two@example.com")

    assert {a for a in (h.account_id for h in await search(conn, mine, name, None))} == {own.feed.account_id}
    assert len(await search(conn, None, name, None)) == 4


async def test_a_user_in_a_verified_domain_belongs_to_the_verifying_account(conn, acme):
    domain = f"{word()}.example"
    await acme.verify(domain)
    elsewhere = await customer(conn, f"{word()} Private")
    user_id = await elsewhere.user("Bo Brook", f"bo@{domain}")

    [hit] = await search(conn, None, f"bo@{domain}", "user")
    [member] = await users_in_domains_of(conn, acme.feed.account_id)

    assert hit.detail == f"bo@{domain} · {domain}: {acme.name}"
    assert (member.user_id, member.account_id) == (user_id, elsewhere.feed.account_id)


async def test_a_reseller_sees_users_in_its_customers_domains_but_not_another_resellers(conn):
    mine, theirs, domain = uuid4(), uuid4(), f"{word()}.example"
    own = await customer(conn, f"{word()} Own", reseller_id=mine)
    await own.verify(domain)
    elsewhere = await customer(conn, f"{word()} Else", reseller_id=theirs)
    await elsewhere.user("Cy Cole", f"cy@{domain}")

    assert len(await search(conn, mine, f"cy@{domain}", "user")) == 1
    [seen_by_theirs] = await search(conn, theirs, f"cy@{domain}", "user")
    assert seen_by_theirs.detail == f"cy@{domain}"  # the other reseller's customer is not named
    assert await search(conn, uuid4(), f"cy@{domain}", "user") == []


async def test_a_deleted_account_leaves_the_search(conn, acme):
    domain = f"{word()}.example"
    await acme.verify(domain)
    user_id = await acme.user("Di Dale", f"di@{domain}")
    await acme.feed(AccountDeleted)

    gone = {("customer", str(acme.feed.account_id)), ("user", str(user_id))}  # others' may look alike
    assert not gone & {*await found(conn, acme.name), *await found(conn, domain)}
    assert await users_in_domains_of(conn, acme.feed.account_id) == []


async def test_staff_logins_are_not_searchable(conn):
    feed = Feed(conn, SEARCH)
    feed.account_id = PLATFORM_ACCOUNT
    name = word()
    await feed(UserRegistered, email=f"{name}@staff.example", name=name, account_role=None,
               platform_role="help desk")

    assert await found(conn, name) == []


async def test_wildcards_in_the_query_are_plain_characters(conn, acme):
    assert await found(conn, "%%%") == [] and await found(conn, "__") == []
