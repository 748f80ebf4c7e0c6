"""Read-model schema migrations: numbered .sql files applied in order, each recorded once."""

import logging
from pathlib import Path

import asyncpg

MIGRATIONS = Path(__file__).parent / "migrations"
LOCK_KEY = 7_401_001  # advisory lock: two migrators never interleave

log = logging.getLogger("portal.migrate")


def pending(applied: set[int]) -> list[tuple[int, Path]]:
    files = sorted((int(p.name.split("_", 1)[0]), p) for p in MIGRATIONS.glob("*.sql"))
    return [(n, p) for n, p in files if n not in applied]


async def migrate(database_url: str) -> list[str]:
    """Apply every migration not yet applied; answers the names of those applied now."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", LOCK_KEY)
        await conn.execute("""CREATE TABLE IF NOT EXISTS schema_migrations (
            version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())""")
        applied = {r["version"] for r in await conn.fetch("SELECT version FROM schema_migrations")}
        done = []
        for version, path in pending(applied):
            async with conn.transaction():
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                   version, path.name)
            log.info("applied migration %s", path.name)
            done.append(path.name)
        return done
    finally:
        await conn.close()
