"""Group commit: one writer per process runs every waiting command, one after another, against aggregates it
keeps in memory, and saves all they changed in one `save` (one transaction, one lock of the events table).

Each command keeps its own answer: the position of its last event, or its own rule error. A command that fails
leaves the batch as it found it; a batch that meets another process's write (optimistic concurrency) runs again
only the commands that touched what that process changed, and those that built on them. Nothing is answered
before the transaction that holds it has committed.
"""

import contextvars
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import Any, TypeVar, cast
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, Repository
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from domain.command_batch import Batch, Job, Work
from domain.errors import ConcurrentChange
from domain.i18n import N_

BATCH = 256  # commands in one save at most: a bound on the transaction, not a target
CACHED = 20_000  # aggregates the writer keeps loaded between batches
RETRIES = 8  # saves a command may meet a conflict in before it answers 409
PAGE = 500  # notifications read at once while catching up with other processes
LOADING_ROUNDS = 4  # rounds of loading what a batch's commands miss, all at once, before they load one by one

T = TypeVar("T")


class Writer:
    """The process's one writer of commands, on a thread of its own, started by the first command."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.committed: OrderedDict[UUID, Aggregate] = OrderedDict()  # as stored at position `seen`, or later
        self.seen = 0  # every notification up to this one is applied to `committed`
        self.loader: Repository[UUID] = Repository(event_store=app.events, snapshot_store=app.snapshots)
        self.jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.batch: Batch | None = None
        self.thread: threading.Thread | None = None
        self.starting = threading.Lock()

    def batch_here(self) -> Batch | None:
        """The batch being run, to the commands the writer runs (never to another thread)."""
        return self.batch if threading.current_thread() is self.thread else None

    def submit(self, work: Work, forget: Sequence[UUID] = ()) -> int:
        """Run `work` in the next batch; answers its position once its save has committed."""
        if threading.current_thread() is self.thread:
            raise RuntimeError("A command's work may not run another command")
        return self._queued(Job(work=work, context=contextvars.copy_context(), forget=forget))

    def read(self, query: Callable[[], T]) -> T:
        """Answer `query` from the aggregates in memory, caught up with every write committed before it was
        asked (so a key reset or a switch-off is in force for the very next request); a query made inside a
        command's work sees what that command sees."""
        if threading.current_thread() is self.thread:
            return query()
        return cast(T, self._queued(Job(work=cast(Work, query), context=contextvars.copy_context(), reading=True)))

    def _queued(self, job: Job) -> Any:
        self._start()
        self.jobs.put(job)
        return job.answer.result()

    def _start(self) -> None:
        with self.starting:
            if self.thread is None:
                self.seen = self.app.recorder.max_notification_id() or 0
                self.thread = threading.Thread(target=self._serve, name="portal-writer", daemon=True)
                self.thread.start()

    def close(self) -> None:
        if self.thread is not None:
            self.jobs.put(None)
            self.thread.join()

    def _serve(self) -> None:
        while True:
            first = self.jobs.get()
            if first is None:
                return
            jobs = [first]
            stopping = self._drain(jobs, BATCH)
            try:
                queries = [job for job in jobs if job.reading]
                self._answer(queries)
                if commands := [job for job in jobs if not job.reading]:
                    self._commit(commands, caught_up=bool(queries))
            except BaseException as broken:  # the callers hear of it; what is in memory may no longer be true
                self.committed.clear()
                if isinstance(broken, (OperationalError, InterfaceError)):
                    # The store is out of reach: what queued meanwhile would wait for the same failure.
                    stopping = self._drain(jobs) or stopping
                for job in jobs:
                    if not job.answer.done():
                        job.answer.set_exception(broken)
            if stopping:
                return

    def _drain(self, into: list[Job], bound: int | None = None) -> bool:
        """Move the jobs waiting now into `into` (up to `bound` in all); answers whether the writer was asked
        to stop."""
        while bound is None or len(into) < bound:
            try:
                job = self.jobs.get_nowait()
            except queue.Empty:
                return False
            if job is None:
                return True
            into.append(job)
        return False

    def _answer(self, queries: list[Job]) -> None:
        if not queries:
            return
        self.catch_up()
        self.batch = Batch(self, reading=True)
        try:
            for job in queries:
                try:
                    job.answer.set_result(job.context.run(job.work))
                except Exception as refused:
                    job.answer.set_exception(refused)
        finally:
            self.batch = None

    def held(self, aggregate_id: UUID) -> Aggregate | None:
        """The committed aggregate, loaded from the store the first time; None if there is none."""
        aggregate = self.committed.get(aggregate_id)
        if aggregate is None:
            try:
                aggregate = self.loader.get(aggregate_id)
            except AggregateNotFoundError:
                return None
            self._keep(aggregate)
        return aggregate

    def copy_of(self, aggregate_id: UUID) -> Aggregate | None:
        """A working copy of the committed aggregate; None if there is none."""
        aggregate = self.held(aggregate_id)
        return deepcopy(aggregate) if aggregate is not None else None

    def load(self, ids: set[UUID]) -> set[UUID]:
        """Load these aggregates into memory with one query for their snapshots and one for the events after
        them (where the recorder can; else one by one); answers the ids of those that exist."""
        select = getattr(self.app.recorder, "select_histories", None)
        if select is None or self.app.snapshots is None:
            return {i for i in ids if self.copy_of(i) is not None}
        snapshots, events = select(list(ids), self.app.snapshots.recorder)  # snapshots, then what follows them
        loaded: dict[UUID, Any] = {}
        for stored in [*snapshots, *events]:
            domain_event: Any = self.app.mapper.to_domain_event(stored)
            loaded[stored.originator_id] = domain_event.mutate(loaded.get(stored.originator_id))
        for aggregate in loaded.values():
            self._keep(aggregate)
        return set(loaded)

    def _keep(self, aggregate: Aggregate) -> None:
        self.committed[aggregate.id] = aggregate
        self.committed.move_to_end(aggregate.id)
        while len(self.committed) > CACHED:
            self.committed.popitem(last=False)

    def catch_up(self) -> set[UUID]:
        """Apply what other processes stored since `seen` to the aggregates in memory; answers the ids of the
        aggregates they changed."""
        changed: set[UUID] = set()
        while True:
            page = self.app.recorder.select_notifications(self.seen + 1, PAGE)
            for notification in page:
                aggregate_id = cast(UUID, notification.originator_id)
                aggregate = self.committed.get(aggregate_id)
                if aggregate is not None and notification.originator_version <= aggregate.version:
                    continue  # ours, already in memory
                changed.add(aggregate_id)
                if aggregate is not None and notification.originator_version == aggregate.version + 1:
                    event: Any = self.app.mapper.to_domain_event(notification)
                    event.mutate(aggregate)
                else:
                    self.committed.pop(aggregate_id, None)  # not seen from its start: load it when needed
            if page:
                self.seen = page[-1].id
            if len(page) < PAGE:
                return changed

    def _commit(self, jobs: list[Job], caught_up: bool = False) -> None:
        todo, kept = jobs, cast(list[Job], [])
        for attempt in range(RETRIES):
            if attempt or not caught_up:
                self.catch_up()
            batch = Batch(self)
            self.batch = batch
            try:
                for job in kept:
                    batch.replay(job)
                waiting = todo
                for rounds in range(1, LOADING_ROUNDS + 2):
                    for job in waiting:
                        job.reset()
                        batch.run(job)
                    waiting = [job for job in waiting if job.waiting]
                    if not waiting:
                        break
                    batch.load()
                    batch.gathering = rounds < LOADING_ROUNDS
            finally:
                self.batch = None
            done = [job for job in batch.finished if not job.collided]
            again = [job for job in todo if job.collided]
            events = [event for job in done for event in job.events]
            try:
                recordings = self.app.save(*events) if events else []
            except IntegrityError:
                kept, tainted = self._split(done, self.catch_up())
                if not tainted:  # a conflict we cannot see (say, a new aggregate's id taken meanwhile)
                    if len(done) > 1:  # let each command save alone
                        for job in done:
                            job.reset()
                            self._commit([job])
                        kept = []
                    else:  # run it again, as a lone command always was
                        kept, tainted = [], done
                todo = tainted + again
            else:
                self._adopt(batch, done, recordings)
                todo, kept = again, []
            for job in todo:
                job.reset()
            if not todo and not kept:
                return
        for job in todo + kept:
            job.answer.set_exception(ConcurrentChange(N_("Others kept changing the same thing; try again")))

    @staticmethod
    def _split(done: list[Job], changed: set[UUID]) -> tuple[list[Job], list[Job]]:
        """The commands that stand after a conflict, and those to run again: each that touched an aggregate
        another process changed, and each that touched what one of those touched before it."""
        kept, tainted, spoiled = [], [], set(changed)
        for job in done:
            if spoiled.isdisjoint(job.touched):
                kept.append(job)
            else:
                tainted.append(job)
                spoiled.update(job.touched)
        return kept, tainted

    def _adopt(self, batch: Batch, done: list[Job], recordings: Sequence[Any]) -> None:
        """The batch has committed: its working copies become the committed aggregates, and each command its
        answer."""
        for aggregate in batch.working.values():
            if aggregate is not None:
                self._keep(aggregate)
        if recordings:
            if recordings[0].notification.id == self.seen + 1:
                self.seen = recordings[-1].notification.id  # nobody wrote in between
            self._snapshot(batch)
        head = recordings[-1].notification.id if recordings else self.seen
        ends = iter(recordings)
        for job in done:
            for aggregate_id in job.forget:
                self.committed.pop(aggregate_id, None)
            position = head
            for _ in job.events:
                position = next(ends).notification.id
            if job.error is not None:
                job.answer.set_exception(job.error)
            else:
                job.answer.set_result(position)

    def _snapshot(self, batch: Batch) -> None:
        """Snapshot, from memory, each aggregate whose history crossed its interval in this batch."""
        intervals, snapshots = self.app.snapshotting_intervals or {}, self.app.snapshots
        if snapshots is None:
            return
        for aggregate_id, events in batch.accepted.items():
            aggregate = self.committed.get(aggregate_id)
            interval = intervals.get(type(aggregate)) if aggregate is not None else None
            if interval and any(e.originator_version % interval == 0 for e in events):
                snapshot_class: Any = getattr(type(aggregate), "Snapshot", type(self.app).snapshot_class)
                snapshots.put([snapshot_class.take(aggregate)])
