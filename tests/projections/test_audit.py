"""The audit trail read model (projections.audit) fed contract events: one readable entry per event, its
hash linked to the entry before, the filters, pages by position, and a deleted account's entries erased."""

import msgspec
import pytest

from domain.actor import Actor
from domain.chain import GENESIS, link, published
from domain.contract import EVENT_TYPES
from domain.contract.accounts import AccountContactChanged, AccountOpened, ApiKeyCreated, ApiKeyRevoked
from domain.contract.customers import AccountDeleted
from domain.contract.usage import ClientUnlinked
from projections.audit import AUDIT, AuditFilter, audit_page
from projections.readmodel import Unappliable
from tests.projections.conftest import Feed

ANN = Actor(kind="user", name="ann@example.com", role="owner", request_id="req-1")
DEVICE = Actor(kind="device", name="123456789")


@pytest.fixture
def feed(conn) -> Feed:
    return Feed(conn, AUDIT)


async def key_created(feed: Feed, actor: Actor = ANN, **envelope) -> int:
    return await feed(ApiKeyCreated, key_id="k1", name="CI", scope="read", prefix="pk_1", actor=actor, **envelope)


async def entries(feed: Feed, after: int = 0, limit: int = 100, **filters):
    return (await audit_page(feed.conn, feed.account_id, AuditFilter(**filters), after, limit)).entries


async def positions(feed: Feed, **filters) -> list[int]:
    return [e.position for e in await entries(feed, **filters)]


async def test_an_event_is_one_entry_with_its_kind_summary_actor_and_own_fields(feed):
    position = await key_created(feed)

    [entry] = await entries(feed)

    assert (entry.position, entry.kind, entry.aggregate, entry.actor, entry.occurred_at) == (
        position, "ApiKeyCreated", "account", ANN, feed.at(1))
    assert (entry.summary, entry.details) == ("Api key created", {"key_id": "k1", "name": "CI", "scope": "read",
                                                                   "prefix": "pk_1"})


async def test_a_summary_template_fills_in_the_events_fields(feed):
    await feed(AccountContactChanged, name="Ann", street="Main St 1", postal_code="10115", city="Berlin",
               country="DE", phone="+49 30 1234567")

    assert [e.summary for e in await entries(feed)] == ["Contact details changed"]


async def test_each_entrys_hash_links_the_one_before(feed):
    hashes = []
    for _ in range(3):
        position = await key_created(feed)
        event_type, body, _ = feed.last
        hashes.append(link(hashes[-1] if hashes else GENESIS, position, event_type,
                           published(EVENT_TYPES[event_type], msgspec.json.decode(body))))

    assert [e.hash for e in await entries(feed)] == hashes


async def test_a_redelivered_event_is_refused_rather_than_recorded_twice(feed):
    await key_created(feed)

    with pytest.raises(Unappliable):
        await feed.again()


@pytest.mark.parametrize(("name", "value", "expected"), [
    ("actor", "123456789", [1]), ("kind", "ApiKeyRevoked", [2]), ("aggregate", "account", [0, 1, 2]),
    ("request_id", "req-1", [0, 2])])
async def test_a_filter_keeps_only_the_entries_matching_it(feed, name, value, expected):
    made = [await key_created(feed), await key_created(feed, DEVICE),
            await feed(ApiKeyRevoked, key_id="k1", actor=ANN)]

    assert await positions(feed, **{name: value}) == [made[i] for i in expected]


async def test_the_time_range_starts_at_since_and_ends_before_until(feed):
    made = [await key_created(feed) for _ in range(3)]

    assert (await positions(feed, since=feed.at(made[1])), await positions(feed, until=feed.at(made[1]))) == (
        made[1:], made[:1])


async def test_pages_follow_one_another_by_position_without_gaps_or_repeats(feed):
    made = [await key_created(feed) for _ in range(5)]

    seen, after = [], 0
    while after is not None:
        page = await audit_page(feed.conn, feed.account_id, AuditFilter(), after, 2)
        seen += [e.position for e in page.entries]
        after = page.next_after

    assert seen == made


async def test_a_deleted_accounts_entries_stay_erased_with_their_hashes(feed):
    opened = await feed(AccountOpened, customer_number="10000001", email="zoe@shred.test", name="Zoë", actor=ANN)
    before = await entries(feed)

    deleted = await feed(AccountDeleted, actor=ANN)

    first, last = await entries(feed)
    assert (first.position, first.summary, first.details["email"], first.details["name"], first.actor.name) == (
        opened, "Account opened for [erased]", "[erased]", "[erased]", "[erased]")
    assert first.hash == before[0].hash  # the chain covers the published (sealed) event, not what is shown
    assert (last.position, last.kind, last.actor.name) == (deleted, "AccountDeleted", "[erased]")


async def test_a_personal_field_holding_its_default_is_erased_too(feed):
    await feed(ClientUnlinked, client_id="123456789")  # reason: "removed", the default, sealed all the same

    await feed(AccountDeleted)

    first, _ = await entries(feed)
    assert first.details["reason"] == "[erased]"  # as a rebuild opens it once the key is gone


async def test_another_accounts_entries_are_not_shown(conn, feed):
    await key_created(feed)

    assert await entries(Feed(conn, AUDIT)) == []
