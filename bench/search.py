"""The help desk's search at scale: the search read model's rows seeded in bulk (COPY, then the trigram index
built once), and the queries a help desk types: names, their starts and typos, e-mail addresses, customer
numbers, client ids and their starts.

Seeding through commands would take hours at 100,000 accounts and 1,000,000 clients; the rows are what the
projector would write for them (projections/search.py), so the queries read what they would read in production.
"""

import random
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

# Made-up names of two to four syllables (consonant, vowel, sometimes a closing n, r or s): as varied as real
# names, so trigrams are shared about as often as in a real customer base.
SYLLABLES = [c + v + e for c in "bcdfghjklmnprstvwz" for v in "aeiou" for e in ("", "", "n", "r", "s")]
SUFFIXES = ["GmbH", "Ltd", "Inc", "SA", "AG", "BV", "Oy", "SRL"]
FIRST_NAMES = ["Ann", "Ben", "Cai", "Dora", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jana", "Kai", "Lea", "Max", "Nia",
               "Oto", "Pia", "Quin", "Rosa", "Sam", "Tea", "Uma", "Vic", "Wim", "Xia", "Yan", "Zoe"]
COLUMNS = ("account_id", "kind", "id", "title", "detail", "keys", "domains", "email_domain", "manager_id",
           "position")
RESELLERS = 200  # half the accounts belong to one of these
SAMPLED_ACCOUNTS, SAMPLED_CLIENTS = 80, 60  # whose values the queries are made of (6 per account, 2 per client)


def pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def mistyped(rng: random.Random, text: str) -> str:
    at = rng.randrange(1, max(2, len(text) - 1))
    return text[:at] + rng.choice("aeiouxyz") + text[at + 1:]


async def seed(pool: asyncpg.Pool, accounts: int, clients: int, rng: random.Random) -> list[str]:
    """Insert the rows of `accounts` customers (each with its owner, some with a verified domain) and `clients`
    clients among them; answers a mix of queries drawn from them."""
    queries: list[str] = []
    entries: list[tuple[Any, ...]] = []
    domains: list[tuple[Any, ...]] = []
    resellers = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(RESELLERS)]
    ids = [uuid.UUID(int=rng.getrandbits(128)) for _ in range(accounts)]
    for n, account_id in enumerate(ids):
        word = pseudo_word(rng)
        name, domain = f"{word.capitalize()} {rng.choice(SUFFIXES)}", f"{word}{n}.example"
        number = str(rng.randrange(10**8, 10**9))
        verified = domain if n % 10 == 0 else ""
        manager = rng.choice(resellers) if n % 2 else None
        entries.append((account_id, "customer", str(account_id), name, number, f"{account_id} {number}", verified,
                        None, manager, n))
        if verified:
            domains.append((account_id, domain, n))
        user_id, person = uuid.UUID(int=rng.getrandbits(128)), f"{rng.choice(FIRST_NAMES)} {pseudo_word(rng)}"
        email = f"{person.split()[1]}@{domain}"
        entries.append((account_id, "user", str(user_id), person, email, f"{user_id} {email}", "", domain, manager,
                        n))
        if n % max(1, accounts // SAMPLED_ACCOUNTS) == 0:
            queries += [word, word[:4], mistyped(rng, word), email, number, person]
    for _ in range(clients):
        account = rng.randrange(accounts)
        client_id = str(100_000_000 + rng.randrange(9_900_000_000))
        entries.append((ids[account], "client", client_id, client_id, "", "", "", None, None, account))
        if rng.random() < SAMPLED_CLIENTS / clients:
            queries += [client_id, client_id[:6]]
    async with pool.acquire() as conn:
        # One index build after the rows beats maintaining the GIN index over a million single inserts.
        await conn.execute("DROP INDEX IF EXISTS search_entries_terms")
        await conn.copy_records_to_table("search_entries", records=entries, columns=COLUMNS)
        await conn.copy_records_to_table("search_domains", records=domains, columns=("account_id", "domain",
                                                                                    "position"))
        await conn.execute("SET maintenance_work_mem = '256MB'")
        await conn.execute("CREATE INDEX search_entries_terms ON search_entries USING gin (terms gin_trgm_ops)")
        await conn.execute("ANALYZE search_entries")
        await conn.execute("ANALYZE search_domains")
    rng.shuffle(queries)
    return queries


async def one_by_one(pool: asyncpg.Pool, call: Callable[[asyncpg.Connection, Any], Awaitable[Any]],
                     inputs: list[Any]) -> list[float]:
    """Seconds each call took, one after another on one connection: the database's share alone."""
    took = []
    async with pool.acquire() as conn:
        for given in inputs:
            began = time.perf_counter()
            await call(conn, given)
            took.append(time.perf_counter() - began)
    return took
