"""The event-store side every command shares: loading an account's aggregates and saving with retries."""

import contextlib
import random
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.account import Account
from domain.invoice_sequence import InvoiceSequence
from domain.client import Client
from domain.license_usage import LicenseUsage
from domain.user import User
from domain.errors import ConcurrentChange, NotFound
from domain.helpdesk_access import HelpDeskAccess
from domain.license import License
from domain.tenant import TenantAggregate
from domain.i18n import N_

T = TypeVar("T", bound=TenantAggregate)

RETRIES = 8  # optimistic-concurrency retries before a command answers 409
STRIPES = 64  # per-process locks, by account


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


class PortalStore(Application):
    name = "portal"
    # Aggregates whose history grows with use load from a snapshot and the events after it.
    snapshotting_intervals = {LicenseUsage: 200, Client: 200, Account: 200, User: 200, License: 200,
                             HelpDeskAccess: 200, InvoiceSequence: 200}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Commands of one account take turns inside this process, so they never fight over the account's
        # aggregates here; writers in other processes still meet the event store's version check and retry.
        self._stripes = [threading.Lock() for _ in range(STRIPES)]

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
        personal fields (workers/shredding.py); `loaded`: aggregates this process may hold decrypted in its
        cache (the account, its users)."""
        forget = getattr(self.mapper, "forget", None)
        if forget is None:
            raise RuntimeError("The application stores events without per-account keys; nothing can be shredded")
        forget(account_id)
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate_id in loaded:
            with contextlib.suppress(KeyError):
                cache.get(aggregate_id, evict=True)

    def _exists(self, aggregate_id: UUID) -> bool:
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
        """Run `work` (load, check, mutate) and save what it changed in one transaction; on a concurrent
        writer, run it again on fresh state. Answers the position of the last event recorded."""
        with self._stripes[hash(account_id) % STRIPES]:
            for attempt in range(RETRIES):
                changed = [a for a in work() if a.pending_events]
                if not changed:
                    return self.current_position()  # nothing to record: the state is already as asked
                try:
                    return self.save(*changed)[-1].notification.id
                except IntegrityError:
                    time.sleep(random.uniform(0, 0.002 * 2 ** attempt))  # another process won: back off, retry
        raise ConcurrentChange(N_("Others kept changing the same thing; try again"))

