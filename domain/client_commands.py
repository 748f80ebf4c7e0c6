"""Commands on the clients linked to an account: register, presence transitions, alias, comment, removal."""

from datetime import datetime
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.claim import Claim
from domain.client import Client
from domain.errors import NotFound
from domain.license import License
from domain.license_usage import LicenseUsage
from domain.reseller_store import ResellerStore
from domain.store import now


class ClientCommands(ResellerStore):
    def usage(self, account_id: UUID) -> LicenseUsage:
        """The account's usage; a new (unsaved) one before its first client, created by the first save."""
        try:
            return self._owned(LicenseUsage, LicenseUsage.id_for(account_id), account_id)
        except NotFound:
            return LicenseUsage(account_id=account_id)

    def client(self, account_id: UUID, client_id: str) -> Client:
        """A client linked to the account (NotFound for unknown, removed, or another account's ids)."""
        self.usage(account_id).require_linked(client_id)
        return self._owned(Client, Client.id_for(account_id, client_id), account_id)

    def register_client(self, account_id: UUID, client_id: str, version: str, platform: str) -> int:
        """Link the client to the account. A client belongs to one account at a time: one linked elsewhere
        moves here (the other account's seat is freed and its log says the client left), as the remote-desktop
        software does when its license key changes."""
        def work() -> list[Aggregate]:
            self._prefetch(LicenseUsage.id_for(account_id), License.id_for(account_id), account_id,
                           Claim.id_for("client", client_id), Client.id_for(account_id, client_id))
            usage = self.usage(account_id)
            newly_linked = client_id not in usage.linked
            usage.link(client_id, self.license(account_id).effective_tier(now()))
            counted = self.reseller_counts_client(account_id, linked=True) if newly_linked else []
            try:
                client: Client = self.repository.get(Client.id_for(account_id, client_id))
                client.report_software(version, platform)  # a client linked before, removed, and back
            except AggregateNotFoundError:
                client = Client(account_id=account_id, client_id=client_id, version=version, platform=platform)
            return [*self._bind(account_id, client_id), usage, client, *counted]
        return self._transact(account_id, work)

    def _bind(self, account_id: UUID, client_id: str) -> list[Aggregate]:
        """The client id's claim for this account, and what its move from another account changes there."""
        try:
            claim: Claim = self.repository.get(Claim.id_for("client", client_id))
        except AggregateNotFoundError:
            return [Claim(account_id=account_id, kind="client", value=client_id)]
        before = claim.account_id
        claim.transfer(account_id)
        left = self.usage(before)
        if before == account_id or client_id not in left.linked:
            return [claim]  # linked here already, or removed there before
        left.unlink(client_id, reason="moved")
        departed = self._owned(Client, Client.id_for(before, client_id), before)
        departed.go_offline(now())
        return [claim, departed, left, *self.reseller_counts_client(before, linked=False)]

    def client_came_online(self, account_id: UUID, client_id: str, version: str) -> int:
        def work() -> list[Aggregate]:
            client = self.client(account_id, client_id)
            client.come_online(version, now())
            return [client]
        return self._transact(account_id, work)

    def client_went_offline(self, account_id: UUID, client_id: str, at: datetime) -> int:
        """Idempotent: a client already offline, or removed meanwhile, records nothing."""
        def work() -> list[Aggregate]:
            try:
                client = self._owned(Client, Client.id_for(account_id, client_id), account_id)
            except NotFound:
                return []
            client.go_offline(at)
            return [client]
        return self._transact(account_id, work)

    def set_alias(self, account_id: UUID, client_id: str, alias: str | None) -> int:
        def work() -> list[Aggregate]:
            license_ = self.license(account_id)
            usage = self.usage(account_id)
            usage.set_alias(client_id, alias, license_.namespace, license_.effective_tier(now()))
            return [usage]
        return self._transact(account_id, work)

    def comment_client(self, account_id: UUID, client_id: str, comment: str) -> int:
        def work() -> list[Aggregate]:
            client = self.client(account_id, client_id)
            client.write_comment(comment)
            return [client]
        return self._transact(account_id, work)

    def remove_client(self, account_id: UUID, client_id: str) -> int:
        """Frees the seat and the alias; the client's past sessions stay in the log."""
        def work() -> list[Aggregate]:
            client = self.client(account_id, client_id)
            client.go_offline(now())  # removed clients count as neither linked nor online
            usage = self.usage(account_id)
            usage.unlink(client_id)
            return [client, usage, *self.reseller_counts_client(account_id, linked=False)]
        return self._transact(account_id, work)
