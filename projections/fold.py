"""A batch of events folded in memory, then written with one multi-row statement per table and kind.

Handlers keep their per-event logic but write rows through `Fold.rows(table)`: each key's changes over the
batch fold into one state, and `flush` writes every table with a few `executemany` calls (pipelined by asyncpg:
one round trip, not one per row). A key's state stays blind (no read) while its changes can be written without
knowing the row (an update, an insert-if-absent followed by updates); otherwise the key is read once, through
the database, and folded in memory from there.

A handler may still run its own SQL (`execute`, `fetch`, ...): the fold is flushed first and forgotten after,
so that SQL sees, and may change, every row the batch wrote before it. Such read models pay per event, as before.

Folding writes rows in another order than the events did; should that trip a constraint across rows, `flush`
raises `Unflushable` and the caller applies the batch again with `exact`, flushing after every event, which
names the one event that cannot be applied.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import asyncpg

Key = Mapping[str, object]
# The database failing, not the event: the worker ends and its supervisor restarts it, as for any outage.
UNAVAILABLE = (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
               asyncpg.exceptions.OperatorInterventionError)


class Unflushable(Exception):
    """Writing a folded batch failed on the database's side (a constraint across rows): apply it with `exact`."""


@dataclass
class Blind:
    """Changes to a row not read: insert it if absent (`insert`, when given), then `sets` and `adds` to it."""
    insert: dict[str, object] | None = None
    sets: dict[str, object] = field(default_factory=dict)
    adds: dict[str, int] = field(default_factory=dict)  # never with `insert`: the absent row's value is unknown
    strict: bool = False  # the insert fails on a row already there (`append`)


@dataclass
class Known:
    """The row as it will be (None: absent), read once from the database. `fresh`: inserted in this batch
    (columns not named take their defaults); `stored`: the database may hold a row for the key."""
    row: dict[str, object] | None
    stored: bool
    fresh: bool = False
    changed: set[str] = field(default_factory=set)


State = Blind | Known


def _where(key: Key, start: int) -> str:
    return " AND ".join(f"{name} = ${i}" for i, name in enumerate(key, start=start))


class Rows:
    """One table's rows as the batch leaves them, by primary key. Table and column names come from the calling
    read model, never from input; `key` names the primary key's columns, always in the same order."""

    def __init__(self, fold: "Fold", table: str) -> None:
        self.fold, self.table = fold, table
        self.states: dict[tuple[object, ...], tuple[Key, State]] = {}

    def _state(self, key: Key) -> State | None:
        found = self.states.get(tuple(key.values()))
        return found[1] if found else None

    def _set(self, key: Key, state: State) -> None:
        self.states[tuple(key.values())] = (key, state)

    async def get(self, key: Key) -> dict[str, object] | None:
        """The row with its columns as the batch has left them so far (None: there is none)."""
        state = self._state(key)
        if not isinstance(state, Known) or state.fresh:
            state = await self._read(key)
        return None if state.row is None else dict(state.row)

    async def insert(self, key: Key, **columns: object) -> None:
        """INSERT … ON CONFLICT DO NOTHING."""
        state = self._state(key)
        if state is None:
            self._set(key, Blind(insert={**key, **columns}))
            return
        if isinstance(state, Blind) and state.insert is None:
            state = await self._read(key)  # updated, then inserted: only the row tells which one happened
        if isinstance(state, Known) and state.row is None:
            state.row, state.fresh = {**key, **columns}, True

    async def append(self, key: Key, **columns: object) -> None:
        """INSERT (a row already there with this key is an error, at the latest when the batch is written)."""
        if tuple(key.values()) in self.states:
            await self._read(key)  # written first, so the insert meets what it would have met
        self._set(key, Blind(insert={**key, **columns}, strict=True))

    async def update(self, key: Key, **columns: object) -> None:
        """UPDATE … SET columns WHERE key (nothing when there is no such row)."""
        state = self._state(key)
        if state is None:
            self._set(key, Blind(sets=dict(columns)))
        elif isinstance(state, Blind):
            state.sets.update(columns)
            for name in columns:
                state.adds.pop(name, None)
        elif state.row is not None:
            state.row.update(columns)
            state.changed.update(columns)

    async def add(self, key: Key, column: str, step: int, **columns: object) -> None:
        """UPDATE … SET column = column + step, columns WHERE key."""
        state = self._state(key)
        if state is None:
            state = Blind()
            self._set(key, state)
        if isinstance(state, Blind) and column in state.sets:
            value = state.sets[column]
            state.sets[column] = None if value is None else value + step  # type: ignore[operator]
        elif isinstance(state, Blind) and state.insert is None:
            state.adds[column] = state.adds.get(column, 0) + step
        else:
            if isinstance(state, Blind) or (state.row is not None and column not in state.row):
                state = await self._read(key)  # the inserted row's value is its column's default
            if state.row is None:
                return
            value = state.row[column]
            state.row[column] = None if value is None else value + step  # type: ignore[operator]
            state.changed.add(column)
        await self.update(key, **columns)

    async def delete(self, key: Key) -> None:
        state = self._state(key)
        if isinstance(state, Blind) and state.strict:
            state = await self._read(key)  # the insert's failure on a row already there comes first
        if isinstance(state, Known):
            state.row, state.fresh = None, False
        else:
            self._set(key, Known(row=None, stored=True))

    async def _read(self, key: Key) -> Known:
        """Write this key's state, then read the row back: from here on it folds in memory."""
        found = self.states.pop(tuple(key.values()), None)
        if found is not None:
            for sql, args in self._statements(key, found[1]):
                await self.fold.conn.execute(sql, *args)
        record = await self.fold.conn.fetchrow(f"SELECT * FROM {self.table} WHERE {_where(key, 1)}", *key.values())
        known = Known(row=None if record is None else dict(record), stored=record is not None)
        self._set(key, known)
        return known

    def _statements(self, key: Key, state: State) -> list[tuple[str, list[object]]]:
        """The statements writing one key's state, deletes first (each one's SQL groups it with its twins)."""
        table, keys = self.table, list(key.values())
        if isinstance(state, Blind) and state.insert is None:
            names = [*state.sets, *state.adds]
            assignments = [f"{n} = ${i}" for i, n in enumerate(state.sets, start=1)] + [
                f"{n} = {n} + ${i}" for i, n in enumerate(state.adds, start=len(state.sets) + 1)]
            return [(f"UPDATE {table} SET {', '.join(assignments)} WHERE {_where(key, len(names) + 1)}",
                     [*state.sets.values(), *state.adds.values(), *keys])]
        if isinstance(state, Blind):
            row = {**(state.insert or {}), **state.sets}
            conflict = (f"({', '.join(key)}) DO UPDATE SET " + ", ".join(f"{n} = excluded.{n}" for n in state.sets)
                        if state.sets else "DO NOTHING")
            return [(_insert(table, row) + ("" if state.strict else f" ON CONFLICT {conflict}"), list(row.values()))]
        statements = []
        if state.stored and (state.row is None or state.fresh):
            statements.append((f"DELETE FROM {table} WHERE {_where(key, 1)}", keys))
        if state.row is not None and state.fresh:
            statements.append((_insert(table, state.row), list(state.row.values())))
        elif state.row is not None and state.changed:
            changed = sorted(state.changed)
            setting = ", ".join(f"{n} = ${i}" for i, n in enumerate(changed, start=1))
            statements.append((f"UPDATE {table} SET {setting} WHERE {_where(key, len(changed) + 1)}",
                               [*(state.row[n] for n in changed), *keys]))
        return statements

    def pending(self) -> list[tuple[str, list[object]]]:
        return [s for key, state in self.states.values() for s in self._statements(key, state)]


def _insert(table: str, row: Mapping[str, object]) -> str:
    values = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    return f"INSERT INTO {table} ({', '.join(row)}) VALUES ({values})"


class Fold:
    """What handlers write through during one transaction of a batch (the projector's or a rebuild's page)."""

    def __init__(self, conn: asyncpg.Connection, exact: bool = False) -> None:
        self.conn = conn
        self.exact = exact  # flush after every event: to name the one a folded batch could not write
        self.tables: dict[str, Rows] = {}
        self.memo: dict[object, Any] = {}  # what handlers remember across the batch; forgotten with the rows

    def rows(self, table: str) -> Rows:
        if table not in self.tables:
            self.tables[table] = Rows(self, table)
        return self.tables[table]

    async def finish(self) -> None:
        """Flush at the end of a batch; a failure the database reports (not its outage) is `Unflushable`."""
        try:
            await self.flush()
        except UNAVAILABLE:
            raise
        except asyncpg.PostgresError as exc:
            raise Unflushable(str(exc).split("\n", 1)[0]) from exc

    async def flush(self) -> None:
        """Write every folded row: deletes, then the other statements, each kind of statement as one
        `executemany`; then forget the fold (the database holds it now)."""
        groups: dict[str, list[list[object]]] = {}
        for rows in self.tables.values():
            for sql, args in rows.pending():
                groups.setdefault(sql, []).append(args)
        self.tables, self.memo = {}, {}
        for sql in sorted(groups, key=lambda s: not s.startswith("DELETE")):
            await self.conn.executemany(sql, groups[sql])

    async def _own_sql(self) -> asyncpg.Connection:
        await self.flush()
        return self.conn

    async def execute(self, sql: str, *args: Any) -> str:
        return await (await self._own_sql()).execute(sql, *args)

    async def executemany(self, sql: str, args: Any) -> None:
        await (await self._own_sql()).executemany(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        return await (await self._own_sql()).fetch(sql, *args)

    async def fetchrow(self, sql: str, *args: Any) -> asyncpg.Record | None:
        return await (await self._own_sql()).fetchrow(sql, *args)

    async def fetchval(self, sql: str, *args: Any) -> Any:
        return await (await self._own_sql()).fetchval(sql, *args)
