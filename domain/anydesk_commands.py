"""Commands of the AnyDesk-compatible REST API that are Portal's own: creating and resetting its password.

Everything the API changes on clients and sessions goes through the same commands as Portal's own routes.
"""

from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.anydesk_credential import AnyDeskCredential, api_license_id
from domain.errors import NotFound
from domain.store import PortalStore, now


class AnyDeskCommands(PortalStore):
    def set_api_password(self, account_id: UUID) -> tuple[str, int]:
        """Records that the API password was (re)set; answers the license id and the position. Refused while
        the account's API access is off."""
        account = self.account(account_id)
        license_id = api_license_id(account_id, account.customer_number)

        def work() -> list[Aggregate]:
            try:
                credential = self._owned(AnyDeskCredential, AnyDeskCredential.id_for(account_id), account_id)
            except NotFound:
                credential = AnyDeskCredential(account_id=account_id, license_id=license_id)
            credential.set_password(self.account(account_id).api_access, now())
            return [credential]
        return license_id, self._transact(account_id, work)
