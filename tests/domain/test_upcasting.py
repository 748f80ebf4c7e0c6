"""A stored event of an old version is read back through today's code: the event store keeps what was
written and the event class upcasts it on read (a test-only aggregate, so no real event needs a v2)."""

from uuid import uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent


class Greeting(Aggregate):
    """Version 1 kept one `name`; version 2 keeps the given and family names apart."""

    class Created(Aggregate.Created):
        class_version = 2
        given: str
        family: str

        @staticmethod
        def upcast_v1_v2(state: dict) -> None:
            given, _, family = state.pop("name").partition(" ")
            state.update(given=given, family=family)

    @event(Created)
    def __init__(self, given: str, family: str) -> None:
        self.given, self.family = given, family


def store_version_1(app: Application, name: str) -> Greeting:
    """Write the event exactly as version 1 of the code did: no class_version, one `name` field."""
    today = Greeting(given="x", family="y")
    stored = app.mapper.to_stored_event(today.collect_events()[0])
    state = app.mapper.transcoder.decode(stored.state)
    del state["class_version"], state["given"], state["family"]
    state["name"] = name
    app.recorder.insert_events([StoredEvent(originator_id=stored.originator_id, originator_version=1,
                                            topic=stored.topic, state=app.mapper.transcoder.encode(state))])
    return today


def test_a_version_1_event_is_upcast_when_read():
    app = Application(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    name = f"Ann {uuid4().hex}"
    stored = store_version_1(app, name)

    greeting = app.repository.get(stored.id)

    assert (greeting.given, greeting.family) == ("Ann", name.split()[1])
