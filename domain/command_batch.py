"""One attempt at saving a group of commands (the writer's batch, domain.group_commit) and the commands in it:
each runs against working copies, keeps its own events or its own error, and is undone alone when it fails."""

import contextvars
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

if TYPE_CHECKING:
    from domain.group_commit import Writer

Work = Callable[[], Sequence[Aggregate]]


@dataclass(eq=False)
class Job:
    """One command waiting for the writer: its work (load, check, mutate), run in the caller's context."""

    work: Work
    context: contextvars.Context
    answer: "Future[Any]" = field(default_factory=Future)
    reading: bool = False  # a query of committed state, answered before the batch's commands run
    forget: Sequence[UUID] = ()  # aggregates to drop from memory once this job is done (crypto-shredding)
    touched: dict[UUID, int] = field(default_factory=dict)  # aggregate id -> its version when first touched
    events: list[Any] = field(default_factory=list)
    error: BaseException | None = None
    collided: bool = False  # created an aggregate another command of the batch created first
    waiting: bool = False  # stopped at an aggregate not in memory, before changing anything

    def reset(self) -> None:
        self.touched, self.events, self.error, self.collided, self.waiting = {}, [], None, False, False


class Missing(BaseException):
    """Stops a command at an aggregate not in memory (before it changed anything), so that the batch loads
    every such aggregate with one query and then runs the command again. A BaseException, so that no command's
    own `except` takes it for an answer."""


def version_of(aggregate: Aggregate | None) -> int:
    return aggregate.version if aggregate is not None else 0


class Batch:
    """One attempt at saving a group of commands: working copies of what they touch, over the writer's
    committed aggregates (which stay as they are until the save has committed)."""

    def __init__(self, writer: "Writer", reading: bool = False) -> None:
        self.writer = writer
        self.reading = reading  # queries see the committed aggregates themselves, and may not change them
        self.working: dict[UUID, Aggregate | None] = {}  # None: known not to exist
        self.accepted: dict[UUID, list[Any]] = {}  # events of this batch's commands that stand, per aggregate
        self.finished: list[Job] = []  # in the order they ran, which is the order of their events
        self.missing: set[UUID] = set()  # aggregates to load before the waiting commands run again
        self.gathering = True  # a miss stops a command that changed nothing yet (else it loads at once)
        self.job: Job | None = None

    def get(self, aggregate_id: UUID) -> Aggregate:
        aggregate = self._touch(aggregate_id)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def exists(self, aggregate_id: UUID) -> bool:
        return self._touch(aggregate_id) is not None

    def prefetch(self, ids: Sequence[UUID]) -> None:
        """Stop the running command if any of these is not in memory yet, so that it waits for them all."""
        missing = {i for i in ids if i not in self.working and i not in self.writer.committed}
        if missing and self.gathering and self.job is not None and self._unchanged(self.job):
            self.missing |= missing
            raise Missing(missing)

    def _touch(self, aggregate_id: UUID) -> Aggregate | None:
        if self.reading:
            return self.writer.held(aggregate_id)
        if aggregate_id not in self.working:
            self.prefetch([aggregate_id])
            self.working[aggregate_id] = self.writer.copy_of(aggregate_id)
        aggregate = self.working[aggregate_id]
        if self.job is not None:
            self.job.touched.setdefault(aggregate_id, version_of(aggregate))
        return aggregate

    def run(self, job: Job) -> None:
        """Run one command; keep its events, or undo what it did and keep its error."""
        self.job = job
        try:
            returned = job.context.run(job.work)
            self._collect(job, returned)
        except Missing:
            job.waiting = True
            return
        except Exception as refused:  # the command's own answer, given after the batch commits
            job.error = refused
        finally:
            self.job = None
        if job.error is not None or job.collided:
            self._undo(job)
            job.events = []
        self.finished.append(job)

    def _unchanged(self, job: Job) -> bool:
        return all((a := self.working.get(aggregate_id)) is None or (a.version == version and not a.pending_events)
                   for aggregate_id, version in job.touched.items())

    def load(self) -> None:
        """Load every aggregate the waiting commands missed, at once; those that do not exist are known so."""
        for aggregate_id in self.missing - self.writer.load(self.missing):
            self.working[aggregate_id] = None
        self.missing = set()

    def _collect(self, job: Job, returned: Sequence[Aggregate]) -> None:
        """The command's events, in the order of what it returned, then anything else it changed."""
        seen: set[int] = set()
        for aggregate in [*returned, *(a for a in map(self.working.get, list(job.touched)) if a is not None)]:
            if id(aggregate) in seen:
                continue
            seen.add(id(aggregate))
            held = self.working.get(aggregate.id)
            if (held is not None and held is not aggregate) or \
                    (aggregate.id not in self.working and aggregate.id in self.writer.committed):
                job.collided = True  # created what exists already: run it again once the batch has committed
                return
            if held is None:  # created by this command
                self.working[aggregate.id] = aggregate
                job.touched.setdefault(aggregate.id, 0)
            job.events += aggregate.collect_events()
        for event in job.events:
            self.accepted.setdefault(event.originator_id, []).append(event)

    def _undo(self, job: Job) -> None:
        """Put back every aggregate the command changed: the committed state plus the events that stand."""
        for aggregate_id, version in job.touched.items():
            current = self.working.get(aggregate_id)
            if current is not None and current.version == version and not current.pending_events:
                continue
            self.working[aggregate_id] = self._rebuilt(aggregate_id)

    def _rebuilt(self, aggregate_id: UUID) -> Aggregate | None:
        aggregate = self.writer.copy_of(aggregate_id)
        for event in self.accepted.get(aggregate_id, []):
            aggregate = event.mutate(aggregate)
        return aggregate

    def replay(self, job: Job) -> None:
        """A command kept from an attempt whose save met a conflict elsewhere: its events apply as they were."""
        for event in job.events:
            aggregate_id = event.originator_id
            current = self.working[aggregate_id] if aggregate_id in self.working else self._touch(aggregate_id)
            self.working[aggregate_id] = event.mutate(current)
            self.accepted.setdefault(aggregate_id, []).append(event)
        self.finished.append(job)
