"""The help desk's search: customers, users, clients and invoices in one table, found by prefix or despite a
typo (PostgreSQL's pg_trgm over `terms`, which the table generates from each row's title, keys and domains).

Every kind is one more handler calling `put_entry`: a customer by its organisation's name, account id,
customer number and verified domains; a user by name, user id and e-mail address; a client by its id; an
invoice or credit note by its number. A user
whose address is in a domain another account verified is shown as belonging to that account too.
"""

from datetime import datetime
from uuid import UUID

import asyncpg
import msgspec

from domain.contract.accounts import AccountContactChanged, AccountOpened, UserRegistered
from domain.contract.domains import DomainRemoved, DomainVerified
from domain.contract.invoices import InvoiceIssued
from domain.invoice import money
from domain.contract.usage import ClientAliasChanged, ClientLinked, ClientUnlinked
from domain.user_commands import PLATFORM_ACCOUNT
from projections.fold import Fold
from projections.erasure import erases_deleted_accounts
from projections.readmodel import ReadModel, update_row

SEARCH = ReadModel("search", tables=("search_entries", "search_domains"))
erases_deleted_accounts(SEARCH, "search_entries", "search_domains")

KINDS = ("customer", "user", "client", "invoice")
TYPO_THRESHOLD = 0.45  # pg_trgm's word similarity a typo must reach (0.6 by default misses one in four letters)


class Entry(msgspec.Struct, kw_only=True):
    account_id: UUID
    kind: str  # one of KINDS
    id: str
    title: str
    detail: str = ""
    keys: str = ""  # more words it is found by: ids, numbers, an e-mail address
    email_domain: str | None = None
    manager_id: UUID | None = None  # only a customer's own entry names it; the others take it from there


async def put_entry(conn: Fold, entry: Entry, position: int) -> None:
    """Insert or replace one entry; its reseller is the one its account's customer entry names."""
    entries = conn.rows("search_entries")
    manager_id = entry.manager_id
    if manager_id is None:
        customer = await entries.get(_entry_key(entry.account_id, "customer", str(entry.account_id)))
        manager_id = customer["manager_id"] if customer else None  # type: ignore[assignment]
    shown = {"title": entry.title, "detail": entry.detail, "keys": entry.keys, "email_domain": entry.email_domain,
             "position": position}
    key = _entry_key(entry.account_id, entry.kind, entry.id)
    await entries.insert(key, manager_id=manager_id, **shown)
    await entries.update(key, **shown)  # there already: its reseller stays


def _entry_key(account_id: UUID, kind: str, id: str) -> dict[str, object]:
    return {"account_id": account_id, "kind": kind, "id": id}


class Opened(msgspec.Struct):
    account_id: UUID
    customer_number: str
    name: str
    reseller_id: UUID | None = None


@SEARCH.on(AccountOpened, Opened)
async def _opened(conn: Fold, e: Opened, position: int) -> None:
    await put_entry(conn, Entry(account_id=e.account_id, kind="customer", id=str(e.account_id), title=e.name,
                                detail=e.customer_number, keys=f"{e.account_id} {e.customer_number}",
                                manager_id=e.reseller_id), position)


class Contact(msgspec.Struct):
    account_id: UUID
    name: str


@SEARCH.on(AccountContactChanged, Contact)
async def _renamed(conn: Fold, e: Contact, position: int) -> None:
    await update_row(conn, "search_entries", _entry_key(e.account_id, "customer", str(e.account_id)), position,
                     title=e.name)


class Registered(msgspec.Struct):
    account_id: UUID
    aggregate_id: UUID
    email: str
    name: str


@SEARCH.on(UserRegistered, Registered)
async def _registered(conn: Fold, e: Registered, position: int) -> None:
    if e.account_id == PLATFORM_ACCOUNT:  # staff are not the help desk's customers
        return
    await put_entry(conn, Entry(account_id=e.account_id, kind="user", id=str(e.aggregate_id), title=e.name,
                                detail=e.email, keys=f"{e.aggregate_id} {e.email}",
                                email_domain=e.email.rpartition("@")[2].lower()), position)


class Client(msgspec.Struct):
    account_id: UUID
    client_id: str


@SEARCH.on(ClientLinked, Client)
async def _linked(conn: Fold, e: Client, position: int) -> None:
    await put_entry(conn, Entry(account_id=e.account_id, kind="client", id=e.client_id, title=e.client_id),
                    position)


@SEARCH.on(ClientUnlinked, Client)
async def _unlinked(conn: Fold, e: Client, position: int) -> None:
    await conn.rows("search_entries").delete(_entry_key(e.account_id, "client", e.client_id))


class Alias(msgspec.Struct):
    account_id: UUID
    client_id: str
    alias: str | None


@SEARCH.on(ClientAliasChanged, Alias)
async def _alias(conn: Fold, e: Alias, position: int) -> None:
    await update_row(conn, "search_entries", _entry_key(e.account_id, "client", e.client_id), position,
                     detail=e.alias or "")


class Invoiced(msgspec.Struct):
    account_id: UUID
    invoice_id: UUID
    number: str
    kind: str
    issued_at: datetime
    currency: str
    total_cents: int


@SEARCH.on(InvoiceIssued, Invoiced)
async def _invoiced(conn: Fold, e: Invoiced, position: int) -> None:
    shown = "credit note" if e.kind == "credit_note" else "invoice"
    await put_entry(conn, Entry(account_id=e.account_id, kind="invoice", id=str(e.invoice_id), title=e.number,
                                detail=f"{shown} of {e.issued_at:%Y-%m-%d}, {money(e.total_cents, e.currency)}",
                                keys=e.number), position)


class Domain(msgspec.Struct):
    account_id: UUID
    domain: str


async def _show_domains(conn: Fold, account_id: UUID, position: int) -> None:
    await conn.execute(
        """UPDATE search_entries SET position = $2, domains = coalesce(
               (SELECT string_agg(domain, ' ' ORDER BY domain) FROM search_domains WHERE account_id = $1), '')
           WHERE account_id = $1 AND kind = 'customer' AND id = $1::text""", account_id, position)


@SEARCH.on(DomainVerified, Domain)
async def _verified(conn: Fold, e: Domain, position: int) -> None:
    await conn.execute("INSERT INTO search_domains (account_id, domain, position) VALUES ($1, $2, $3) "
                       "ON CONFLICT DO NOTHING", e.account_id, e.domain, position)
    await _show_domains(conn, e.account_id, position)


@SEARCH.on(DomainRemoved, Domain)
async def _removed(conn: Fold, e: Domain, position: int) -> None:
    await conn.execute("DELETE FROM search_domains WHERE account_id = $1 AND domain = $2", e.account_id, e.domain)
    await _show_domains(conn, e.account_id, position)


# -- queries ---------------------------------------------------------------------------------------------

class Hit(msgspec.Struct, kw_only=True):
    kind: str
    id: str
    account_id: UUID
    title: str
    detail: str
    score: float  # 1 for a whole word, 0.9 for the start of one, less for a likeness


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A word matches whole (score 1), by its start (0.9), anywhere, or by trigram likeness (`<%`, the typo); the GIN
# index serves both LIKE and `<%`. Likeness is the costly part (many rows share a trigram), so it is asked only
# when the text matched nothing as typed (PostgreSQL skips a step whose one-time filter fails), and only for text
# with a letter: numbers and ids are found by their digits, whole or by their start.
# A user's detail names the account that verified its address's domain, where the caller may see that account;
# the scope admits what the reseller manages, by the entry's account or that one.
def _step(name: str, where: str) -> str:
    return f"""{name} AS (
    SELECT e.kind, e.id, e.account_id, e.title, greatest(
               CASE WHEN ' ' || e.terms || ' ' LIKE $2 THEN 1.0 WHEN ' ' || e.terms LIKE $3 THEN 0.9 ELSE 0 END,
               round((word_similarity($1, e.terms) * 0.8)::numeric, 3))::float8 AS score,
           concat_ws(' · ', nullif(e.detail, ''), nullif(replace(e.domains, ' ', ', '), ''),
                     CASE WHEN h.account_id <> e.account_id AND ($6::uuid IS NULL OR h.manager_id = $6)
                          THEN d.domain || ': ' || h.title END) AS detail
    FROM search_entries e
    LEFT JOIN search_domains d ON d.domain = e.email_domain
    LEFT JOIN search_entries h ON h.account_id = d.account_id AND h.kind = 'customer' AND h.id = d.account_id::text
    WHERE {where} AND ($5::text IS NULL OR e.kind = $5)
      AND ($6::uuid IS NULL OR e.manager_id = $6 OR h.manager_id = $6)
    ORDER BY score DESC, e.title, e.id LIMIT $7)"""


SEARCH_SQL = f"""WITH {_step("worded", "e.terms LIKE $4")},
{_step("alike", "$8 AND $1 <% e.terms AND NOT EXISTS (SELECT FROM worded)")}
SELECT * FROM (SELECT * FROM worded UNION ALL SELECT * FROM alike) found ORDER BY score DESC, title, id LIMIT $7"""


async def search(db: asyncpg.Pool | asyncpg.Connection, scope: UUID | None, q: str, kind: str | None,
                 limit: int = 20) -> list[Hit]:
    """The best `limit` entries for `q`, best first; `scope`: the reseller whose customers these are (None: every
    account, for the platform's help desk and administrators)."""
    if isinstance(db, asyncpg.Pool):
        async with db.acquire() as conn:
            return await search(conn, scope, q, kind, limit)
    text = q.strip().lower()
    word = _like(text)
    async with db.transaction():  # the threshold holds for this query only
        await db.execute(f"SET LOCAL pg_trgm.word_similarity_threshold = {TYPO_THRESHOLD}")
        rows = await db.fetch(SEARCH_SQL, text, f"% {word} %", f"% {word}%", f"%{word}%", kind, scope, limit,
                              any(c.isalpha() for c in text))
    return [Hit(**dict(r)) for r in rows]


class DomainUser(msgspec.Struct, kw_only=True):
    account_id: UUID  # the account the user is registered in
    user_id: UUID
    name: str
    email: str


async def users_in_domains_of(db: asyncpg.Pool | asyncpg.Connection, account_id: UUID) -> list[DomainUser]:
    """Users whose e-mail addresses are in the account's verified domains, wherever they are registered: the
    help desk shows them as belonging to the account."""
    rows = await db.fetch(
        """SELECT e.account_id, e.id::uuid AS user_id, e.title AS name, e.detail AS email
           FROM search_domains d JOIN search_entries e ON e.email_domain = d.domain AND e.kind = 'user'
           WHERE d.account_id = $1 ORDER BY e.detail, e.id""", account_id)
    return [DomainUser(**dict(r)) for r in rows]
