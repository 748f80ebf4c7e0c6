"""The software version staff publish for one platform; custom clients of the platform are rebuilt for it.

Platform-wide, not an account's: its events carry the platform's account id, like the suppression list.
"""

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.errors import InvalidValue
from domain.tenant import TenantAggregate
from domain.i18n import N_


VERSION = re.compile(r"^[0-9]{1,4}(?:\.[0-9]{1,4}){1,3}$")


def require_newer(platform: str, current: str, version: str) -> None:
    if not VERSION.match(version):
        raise InvalidValue(N_("A version reads like 9.0.6: two to four numbers separated by dots"), field="version")
    if tuple(map(int, version.split("."))) <= tuple(map(int, current.split("."))):
        raise InvalidValue(N_("{platform} is at {current} already; publish a newer version"), field="version",
                           platform=platform, current=current)


class Release(TenantAggregate):
    @staticmethod
    def id_for(platform: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:release:{platform}")

    @event("Published")
    def __init__(self, account_id: UUID, platform: str, version: str) -> None:
        self.account_id = account_id
        self.platform = platform
        self.current = version  # `version` is the library's

    def publish(self, version: str) -> None:
        require_newer(self.platform, self.current, version)
        self._published_again(platform=self.platform, version=version)

    @event("PublishedAgain")
    def _published_again(self, platform: str, version: str) -> None:
        self.current = version  # `version` is the library's
