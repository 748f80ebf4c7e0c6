"""The event-store side every command shares: loading an account's aggregates and saving with retries."""

import contextlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate

from domain.account import Account
from domain.invoice_sequence import InvoiceSequence
from domain.client import Client
from domain.license_usage import LicenseUsage
from domain.user import User
from domain.errors import NotFound
from domain.command_batch import Batch
from domain.group_commit import Writer
from domain.helpdesk_access import HelpDeskAccess
from domain.license import License
from domain.tenant import TenantAggregate
from domain.i18n import N_

T = TypeVar("T", bound=TenantAggregate)
Q = TypeVar("Q")


def now() -> datetime:
    return datetime.now(UTC)


NOT_FOUND = {"Account": N_("No such account"), "AnyDeskCredential": N_("No such AnyDesk credential"),
             "Client": N_("No such client"), "CustomClient": N_("No such custom client"),
             "CustomClientQuota": N_("No such custom client"), "Email": N_("No such e-mail"),
             "Impersonation": N_("No such access"), "License": N_("No such license"),
             "LicenseUsage": N_("No such license"), "Session": N_("No such session"),
             "Suppression": N_("The address is not on the suppression list"), "User": N_("No such user"),
             "ResellerPlan": N_("No such plan")}


def not_found(cls: type) -> str:
    """What a missing aggregate of this class is called, in the portal's words."""
    return NOT_FOUND.get(cls.__name__, N_("Not found"))


class GroupRepository(Repository[UUID]):
    """The application's repository; to a command the writer runs, `get` answers the batch's working copy."""

    batch: Callable[[], Batch | None]

    def get(self, aggregate_id: UUID, *, version: int | None = None, **kwargs: Any) -> Any:
        batch = self.batch()
        if batch is not None and version is None:
            return batch.get(aggregate_id)
        return super().get(aggregate_id, version=version, **kwargs)


class PortalStore(Application):
    name = "portal"
    repository: GroupRepository
    # Aggregates whose history grows with use load from a snapshot and the events after it.
    snapshotting_intervals = {LicenseUsage: 200, Client: 200, Account: 200, User: 200, License: 200,
                             HelpDeskAccess: 200, InvoiceSequence: 200}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Every command of this process goes through one writer, which saves a group of them at a time.
        self._writer = Writer(self)
        self.repository.batch = self._writer.batch_here

    def construct_repository(self) -> GroupRepository:
        repository = super().construct_repository()
        repository.__class__ = GroupRepository  # the library's repository as configured, plus the batch view
        return repository  # type: ignore[return-value]

    def close(self) -> None:
        self._writer.close()
        super().close()

    def account(self, account_id: UUID) -> Account:
        return self._owned(Account, account_id, account_id)

    def license(self, account_id: UUID) -> License:
        return self._owned(License, License.id_for(account_id), account_id)

    def current_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def _owned(self, cls: type[T], aggregate_id: UUID, account_id: UUID) -> T:
        try:
            aggregate: object = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise NotFound(not_found(cls)) from None
        if not isinstance(aggregate, cls) or aggregate.account_id != account_id:
            raise NotFound(not_found(cls))  # another account's id: never say it exists
        return aggregate

    def shred(self, account_id: UUID, loaded: list[UUID]) -> None:
        """Destroy the account's data key (after its deletion is recorded) through the mapper that sealed its
        personal fields (workers/shredding.py); `loaded`: aggregates this process may hold decrypted in memory
        (the account, its users)."""
        forget = getattr(self.mapper, "forget", None)
        if forget is None:
            raise RuntimeError("The application stores events without per-account keys; nothing can be shredded")
        forget(account_id)
        self._writer.submit(list, forget=loaded)  # the writer drops its copies between batches
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate_id in loaded:
            with contextlib.suppress(KeyError):
                cache.get(aggregate_id, evict=True)

    def _read(self, query: Callable[[], Q]) -> Q:
        """A query answered from the writer's aggregates in memory rather than the event store (see
        `Writer.read`): for what the gateway asks before each command. The query may not change anything."""
        return self._writer.read(query)

    def _prefetch(self, *ids: UUID) -> None:
        """Name, first thing in a command's work, what it will read: in a batch, what the waiting commands name
        and the writer does not hold yet is loaded for all of them at once (domain/group_commit.py)."""
        batch = self._writer.batch_here()
        if batch is not None:
            batch.prefetch(ids)

    def _exists(self, aggregate_id: UUID) -> bool:
        batch = self._writer.batch_here()
        if batch is not None:
            return batch.exists(aggregate_id)
        return bool(self.recorder.select_events(aggregate_id, desc=True, limit=1))

    def _change(self, cls: type[T], aggregate_id: UUID, account_id: UUID,
                command: Callable[[T], None]) -> int:
        """Load one aggregate, apply a command, save; see `_transact`."""
        def work() -> list[Aggregate]:
            aggregate = self._owned(cls, aggregate_id, account_id)
            command(aggregate)
            return [aggregate]
        return self._transact(account_id, work)

    def _transact(self, account_id: UUID, work: Callable[[], Sequence[Aggregate]]) -> int:
        """Run `work` (load, check, mutate) and save what it changed, with the other commands waiting, in one
        transaction (domain/group_commit.py); on a concurrent writer, run it again on fresh state. Answers the
        position of the last event recorded, once committed."""
        return self._writer.submit(work)
