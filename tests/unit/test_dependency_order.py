"""Dependencies are resolved one after another, in no task of their own, with the same results and errors as
Litestar's concurrent resolution (gateway/dependency_order.py)."""

import asyncio

from litestar import Litestar, get
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException
from litestar.testing import TestClient

from gateway.dependency_order import resolve_dependencies_in_turn

seen_tasks: list[asyncio.Task | None] = []


async def first() -> int:
    seen_tasks.append(asyncio.current_task())
    return 1


async def second() -> int:
    seen_tasks.append(asyncio.current_task())
    return 2


async def both(one: int, two: int) -> int:
    return one + two


async def refused() -> int:
    raise NotAuthorizedException("no")


@get("/sum", dependencies={"one": Provide(first), "two": Provide(second), "three": Provide(both)})
async def total(one: int, two: int, three: int) -> dict[str, int]:
    seen_tasks.append(asyncio.current_task())
    return {"sum": one + two + three}


@get("/refused", dependencies={"one": Provide(first), "two": Provide(refused)})
async def never(one: int, two: int) -> None:
    raise AssertionError("a refused dependency must stop the handler")


def test_independent_dependencies_run_in_the_handlers_own_task_with_the_same_results():
    resolve_dependencies_in_turn()
    seen_tasks.clear()
    with TestClient(Litestar([total, never])) as client:
        assert client.get("/sum").json() == {"sum": 6}
        assert len(seen_tasks) == 3 and len(set(seen_tasks)) == 1  # no task was spawned per dependency

        assert client.get("/refused").status_code == 401  # the dependency's own error, not an exception group
