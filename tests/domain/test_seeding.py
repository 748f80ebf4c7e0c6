"""domain.seeding: a bulk import records exactly the events the commands would, within the license's limits."""

from uuid import UUID

import msgspec

from domain.errors import SeatLimitReached
from domain.seeding import PastSession, import_clients, import_sessions

SHOWN = ("client_id", "version", "platform", "from_client_id", "to_client_id", "started_at", "ended_at", "reason")


def recorded_since(app, position: int, renamed: dict[str, str] | None = None) -> list[tuple]:
    """What a subscriber would tell apart: each event's type, aggregate version and own fields (no aggregate ids;
    `renamed` maps one account's client ids to the other's: a client id belongs to one account at a time)."""
    events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(position + 1, 10_000)]
    renamed = renamed or {}
    return [(type(e).__qualname__, e.originator_version,
             *(renamed.get(getattr(e, f, None), getattr(e, f, None)) for f in SHOWN)) for e in events]


LIVED_TO_SEEDED = {"100000001": "300000001", "100000002": "300000002"}


def enterprise(app, signup) -> UUID:
    account_id = signup()
    app.upgrade_license(account_id, "enterprise")
    return account_id


def test_imported_clients_record_what_registering_them_records(app, signup, clock):
    lived, seeded = enterprise(app, signup), enterprise(app, signup)
    before = app.current_position()
    for client_id in ("100000001", "100000002"):
        app.register_client(lived, client_id, "9.0.1", "linux")
    middle = app.current_position()

    saves = list(import_clients(app, seeded, ["300000001", "300000002"], "9.0.1", "linux"))

    assert saves == [app.current_position() - middle]
    assert recorded_since(app, middle) == recorded_since(app, before, LIVED_TO_SEEDED)[:middle - before]


def test_imported_sessions_record_what_starting_and_ending_them_records(app, signup, clock):
    lived, seeded = enterprise(app, signup), enterprise(app, signup)
    app.register_client(lived, "100000001", "9.0.1", "linux")
    app.register_client(seeded, "300000001", "9.0.1", "linux")
    before = app.current_position()
    past = []
    for minutes in (5, 30):
        started = clock.at
        session_id, _ = app.start_session(lived, "100000001", "200000002")
        clock.advance(minutes=minutes)
        app.end_session(lived, session_id)
        past.append(PastSession(from_client_id="100000001", to_client_id="200000002", started_at=started,
                                ended_at=clock.at))
    middle = app.current_position()

    list(import_sessions(app, seeded, [msgspec.structs.replace(p, from_client_id="300000001") for p in past]))

    assert recorded_since(app, middle) == recorded_since(app, before, LIVED_TO_SEEDED)[:middle - before]
    assert app.usage(seeded).sessions == {}


def test_imports_save_a_chunk_of_commands_per_transaction(app, signup, clock):
    account_id = enterprise(app, signup)
    list(import_clients(app, account_id, ["100000001"], "9.0.1", "linux"))
    past = [PastSession(from_client_id="100000001", to_client_id="200000002", started_at=clock.at,
                        ended_at=clock.at)] * 5

    assert list(import_sessions(app, account_id, past, chunk=2)) == [8, 8, 4]


def test_importing_past_the_seat_limit_is_refused_and_records_nothing(app, account_id, refused):
    refused(SeatLimitReached, lambda: list(import_clients(app, account_id, ["100000001", "100000002", "100000003",
                                                                            "100000004"], "9.0.1", "linux")))
