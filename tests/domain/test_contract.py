"""The public event contract (domain.contract): what the relay publishes for each stored domain event."""

import importlib
import json
import pkgutil
from datetime import UTC, datetime
from uuid import UUID, uuid4

import msgspec
import pytest

import domain
from domain import totp
from domain.account import Account
from domain.payments import Outcome
from domain.reseller import Reseller
from domain.user import User
from domain.contract import CONTRACT, EVENT_TYPES, PortalEvent, json_schema, subject, to_public, upcast
from domain.history import fingerprint, redacted
from domain.personal import PERSONAL
from domain.tenant import TenantAggregate
from domain.user_commands import PLATFORM_ACCOUNT
from tests.domain.test_customers import use_customer_admin
from tests.domain.test_domains import use_domains
from tests.domain.test_email import use_email
from tests.domain.test_files import SETTINGS, build
from tests.domain.test_helpdesk import use_helpdesk
from tests.domain.test_impersonation import use_impersonation
from tests.domain.test_support import use_support

COMMON = set(PortalEvent.__struct_fields__)


def domain_event_classes() -> list[type]:
    """Every event class defined on an aggregate in domain/, so a new event without a contract fails."""
    for module in pkgutil.iter_modules(domain.__path__):
        importlib.import_module(f"domain.{module.name}")
    aggregates, pending = [], [TenantAggregate]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain."):
            aggregates.append(cls)
    events = {event for aggregate in aggregates for name, event in vars(aggregate).items()
              if isinstance(event, type) and issubclass(event, TenantAggregate.Event)
              and name not in {"Event", "Created"}}  # the library's per-aggregate base classes
    return sorted(events, key=lambda e: e.__qualname__)


def stored_events(app) -> list:
    return [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(start=1, limit=1_000)]


def use_clients_and_sessions(app, account_id, register, namespace: str) -> None:
    """Clients come and go, change software, get an alias and a comment, and take part in a session."""
    here, there = register(account_id), register(account_id)
    app.client_came_online(account_id, here, "1.1")  # a new version as well
    app.client_went_offline(account_id, here, datetime.now(UTC))
    app.set_alias(account_id, here, f"desk@{namespace}")
    app.comment_client(account_id, here, "front desk")
    session_id, _ = app.start_session(account_id, here, there)
    app.comment_session(account_id, session_id, "support call")
    app.end_session(account_id, session_id)
    app.remove_client(account_id, there)
    app.register_client(app.open_account(f"{uuid4().hex}@example.com", "Other", "not-a-hash")[0], here, "1.1",
                        "linux")  # the client moves to another account


def code_now(secret: str) -> str:
    return totp.code_at(secret, totp.current_step(datetime.now(UTC)))


def use_access(app, account_id) -> None:
    """Users join and are disabled, passwords change, two-factor goes on and off, API keys come and go."""
    owner = app.find_login(app.account(account_id).email)
    member_id, _ = app.add_user(account_id, f"{uuid4().hex}@example.com", "Mo Member", "not-a-hash")
    app.set_user_disabled(account_id, member_id, True)
    app.change_password(owner.id, "another-hash")
    secret = app.start_two_factor()
    codes, _ = app.enable_two_factor(owner.id, secret, code_now(secret))
    app.check_second_factor(owner.id, codes[0])
    app.check_second_factor(owner.id, totp.code_at(secret, totp.current_step(datetime.now(UTC)) + 1))
    app.disable_two_factor(owner.id, codes[1])
    key_id, _ = app.create_api_key(account_id, "backup script", "read", "pak_abcd")
    app.revoke_api_key(account_id, key_id)
    app.set_api_password(account_id)
    app.set_api_access(account_id, False)
    app.set_account_disabled(account_id, True)


def use_files(app, account_id) -> None:
    """A custom client is built, changed, failed, rebuilt for a release, given a new link, and deleted."""
    app.upgrade_license(account_id, "performance")
    custom_client_id, _ = app.create_custom_client(account_id, **SETTINGS)
    build(app, account_id, custom_client_id, 1)
    app.change_custom_client(account_id, custom_client_id, {"name": "Back office", "public": True})
    app.start_build(account_id, custom_client_id, 2)
    app.fail_build(account_id, custom_client_id, 2, "refused")
    app.release_software("windows", "9.0.6")
    app.release_software("windows", "9.0.7")
    app.request_rebuild(account_id, custom_client_id, "9.0.7")
    app.regenerate_public_link(account_id, custom_client_id)
    app.delete_custom_client(account_id, custom_client_id)


def use_invoices(app, account_id, clock) -> None:
    """A declined card through its retries to uncollectible, a paid invoice credited, a renewal voided."""
    app.change_payment_method(account_id, kind="card", brand="visa", last4="0002", expiry_month=12,
                              expiry_year=2031, holder="Ann", payment_token="tok_chargeDeclined")
    app.upgrade_license(account_id, "enterprise")
    declined = app.account(account_id).unpaid[-1][0]
    for attempt in range(1, 5):
        app.record_payment(account_id, UUID(declined), attempt, Outcome(succeeded=False, failure="card_declined"))
    paid = UUID(app.account(account_id).unpaid[0][0])
    app.record_payment(account_id, paid, 1, Outcome(succeeded=True, reference="ch_1"))
    app.credit_invoice(account_id, paid)
    clock.advance(days=366)
    app.expire_license(account_id)  # renews, invoiced
    app.void_invoice(account_id, UUID(app.account(account_id).unpaid[-1][0]), "a test")


@pytest.fixture
def history(app, account_id, contact, card, clock, register) -> list:
    """The stored events of one account's life that exercises every command."""
    namespace = f"ns-{uuid4().hex[:12]}"
    app.upgrade_license(account_id, "professional")
    app.reset_license_key(account_id)
    app.buy_namespace(account_id, namespace)
    use_clients_and_sessions(app, account_id, register, namespace)
    use_access(app, account_id)
    use_email(app, account_id)
    use_files(app, account_id)
    use_customer_admin(app, account_id, register)
    use_impersonation(app, account_id)
    use_domains(app, account_id)
    use_support(app, account_id)
    use_helpdesk(app, account_id)
    use_invoices(app, account_id, clock)
    app.cancel_license(account_id)
    app.change_contact(account_id, **contact)
    app.change_payment_method(account_id, **card)
    app.change_preferences(account_id, language="de", time_zone="Europe/Berlin")
    clock.advance(days=366)
    app.expire_license(account_id)
    return stored_events(app)


def test_the_history_covers_every_contracted_event(history):
    assert {type(e) for e in history} == set(CONTRACT)


def test_every_stored_event_maps_to_its_contract_struct(history):
    for event in history:
        public = to_public(event)

        assert type(public) is CONTRACT[type(event)]
        assert (public.account_id, public.aggregate_id, public.aggregate_version, public.occurred_at) == (
            event.account_id, event.originator_id, event.originator_version, event.timestamp)
        own = set(public.__struct_fields__) - COMMON
        stored = redacted(vars(event))  # credentials as fingerprints
        assert {f: getattr(public, f) for f in own} == {f: stored[f] for f in own}


def test_every_public_event_survives_a_json_round_trip(history):
    for public in map(to_public, history):
        assert msgspec.json.decode(msgspec.json.encode(public), type=type(public)) == public


def test_the_subject_names_account_aggregate_and_event(history):
    prefix = f"portal.evt.{history[0].account_id}"

    subjects = {subject(to_public(e)) for e in history}

    assert {f"{prefix}.account.AccountOpened", f"{prefix}.account.AccountContactChanged",
            f"{prefix}.license.LicenseIssued", f"{prefix}.license.LicenseNamespaceAssigned",
            f"{prefix}.claim.ValueClaimed"} <= subjects
    # The suppression list and the plans are platform-wide; a client moved to another account; a reseller's
    # customers are accounts of their own.
    customers = {str(e.customer_id) for e in history if isinstance(e, Reseller.CustomerAdded)}
    accounts = {str(e.account_id) for e in history} | {str(PLATFORM_ACCOUNT)} | customers
    assert all(s.split(".")[2] in accounts and s.count(".") == 4 for s in subjects)


def test_the_event_scan_finds_the_aggregates_events():
    found = set(domain_event_classes())

    assert {Account.Opened, Account.ContactChanged, Account.PaymentMethodChanged} <= found


@pytest.mark.parametrize("event_class", domain_event_classes(), ids=lambda e: e.__qualname__)
def test_every_domain_event_has_a_contract(event_class):
    assert event_class in CONTRACT


def test_no_published_event_carries_a_password_hash_or_second_factor_secret(app, account_id, password_hash):
    user = app.find_login(app.account(account_id).email)
    secret = app.start_two_factor()
    codes, _ = app.enable_two_factor(user.id, secret, totp.code_at(secret, totp.current_step(datetime.now(UTC))))
    app.check_second_factor(user.id, codes[0])
    registered = next(e for e in stored_events(app) if isinstance(e, User.Registered))
    assert registered.password_hash == password_hash  # the store keeps it; the contract must not
    user = app.user(user.id)

    published = b"".join(msgspec.json.encode(to_public(e)) for e in stored_events(app))

    assert password_hash.encode() not in published
    assert secret.encode() not in published
    assert b"password" not in published
    for kept in (*codes, *user.recovery_digests, user.recovery_salt):
        assert kept.encode() not in published


def test_no_published_event_carries_a_license_key_only_its_fingerprint(app, account_id):
    first = app.license(account_id).key
    app.reset_license_key(account_id)
    second = app.license(account_id).key

    published = [to_public(e) for e in stored_events(app)]

    encoded = b"".join(msgspec.json.encode(p) for p in published)
    assert first.encode() not in encoded and second.encode() not in encoded
    fingerprints = {getattr(p, "key_fingerprint", None) for p in published} | \
        {p.value for p in published if getattr(p, "kind", None) == "license_key"}
    assert fingerprints >= {fingerprint(first), fingerprint(second)}


def test_a_body_published_before_fingerprints_is_shown_fingerprinted_and_redacting_twice_changes_nothing():
    old = {"product": "free", "key": "AAAA-BBBB-CCCC-DDDD-EEEE"}
    claim = {"kind": "license_key", "value": "AAAA-BBBB-CCCC-DDDD-EEEE"}

    assert redacted(old) == {"product": "free", "key_fingerprint": fingerprint(old["key"])}
    assert redacted(claim)["value"] == fingerprint(claim["value"])
    assert redacted(redacted(claim)) == redacted(claim)
    assert redacted({"kind": "email", "value": "ann@example.com"})["value"] == "ann@example.com"


def test_a_version_1_body_with_a_key_is_upcast_to_the_fingerprint_on_read(app, account_id):
    [issued] = [e for e in stored_events(app) if type(to_public(e)).__name__ == "LicenseIssued"]
    v2 = msgspec.to_builtins(to_public(issued))
    v1 = {k: v for k, v in v2.items() if k != "key_fingerprint"} | {"key": issued.key}

    read = upcast("LicenseIssued", msgspec.json.encode(v1))

    assert msgspec.json.decode(read, type=EVENT_TYPES["LicenseIssued"]) == to_public(issued)
    assert issued.key.encode() not in read


def test_bodies_without_keys_pass_upcasting_untouched():
    body = b'{"kind":"email","value":"ann@example.com"}'

    assert upcast("ValueClaimed", body) is body and upcast("AccountOpened", b"{}") == b"{}"


def test_the_published_schema_shows_every_personal_field_sealed():
    schema = json_schema()

    personal = {(name, field) for name, component in schema["$defs"].items()
                for field, shape in component.get("properties", {}).items() if field in PERSONAL}
    assert ("AccountOpened", "email") in personal and ("Actor", "name") in personal
    assert all("#/$defs/Sealed" in json.dumps(schema["$defs"][name]["properties"][field])
               for name, field in personal)
    assert all(event["version"] >= 2 for event in schema["events"].values())  # 1 carried them in clear
