"""Litestar resolves a handler's independent dependencies concurrently: for every request, a task group with a
task per dependency. Ours are lookups in memory (the application, the pool, the kept tokens, parsed parameters)
but for the one credential check, so the tasks cost far more than they could save: a heartbeat spent more
time creating them than in its handler. Here each level of dependencies is resolved one after another,
in the same order; what a dependency receives and raises is unchanged.

Litestar 2 offers no setting for this, so its method is replaced; the test of this module fails if Litestar's
resolution changes shape.
"""

from typing import Any

from litestar._kwargs.cleanup import DependencyCleanupGroup
from litestar._kwargs.dependencies import resolve_dependency
from litestar._kwargs.kwargs_model import KwargsModel


async def resolve_in_turn(self: KwargsModel, connection: Any, kwargs: dict[str, Any]) -> DependencyCleanupGroup:
    cleanup_group = DependencyCleanupGroup()
    for batch in self.dependency_batches:
        for dependency in batch:
            await resolve_dependency(dependency, connection, kwargs, cleanup_group)
    return cleanup_group


def resolve_dependencies_in_turn() -> None:
    KwargsModel.resolve_dependencies = resolve_in_turn  # type: ignore[method-assign]
