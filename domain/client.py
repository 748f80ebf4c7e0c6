"""A remote-desktop client known to an account: its software, presence transitions and comment.

Heartbeats are not events: presence lives in a fast store, and only the transitions (came online, went
offline, version changed) are recorded here.
"""

from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.tenant import TenantAggregate


class Client(TenantAggregate):
    stamped = ("account_id", "client_id")

    class Event(TenantAggregate.Event):
        client_id: str

    class Created(Event, TenantAggregate.Created):
        pass

    @staticmethod
    def id_for(account_id: UUID, client_id: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:client:{account_id}:{client_id}")

    @event("Registered")
    def __init__(self, account_id: UUID, client_id: str, version: str, platform: str) -> None:
        self.account_id = account_id
        self.client_id = client_id
        self.software_version = version
        self.platform = platform
        self.online_since: datetime | None = None
        self.comment = ""

    @property
    def online(self) -> bool:
        return self.online_since is not None

    def report_software(self, version: str, platform: str) -> None:
        if (version, platform) != (self.software_version, self.platform):
            self._software_changed(version=version, platform=platform)

    @event("SoftwareChanged")
    def _software_changed(self, version: str, platform: str) -> None:
        self.software_version = version
        self.platform = platform

    def come_online(self, version: str, now: datetime) -> None:
        self.report_software(version, self.platform)
        if not self.online:
            self._came_online(at=now)

    @event("CameOnline")
    def _came_online(self, at: datetime) -> None:
        self.online_since = at

    def go_offline(self, now: datetime) -> None:
        if self.online:
            self._went_offline(at=now)

    @event("WentOffline")
    def _went_offline(self, at: datetime) -> None:
        self.online_since = None

    def write_comment(self, comment: str) -> None:
        if comment != self.comment:
            self._commented(comment=comment)

    @event("Commented")
    def _commented(self, comment: str) -> None:
        self.comment = comment
