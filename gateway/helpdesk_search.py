"""The help desk's one search box: customers, users, clients and invoices, by prefix or despite a typo, ranked.
The platform's help desk and administrators search every account; a reseller (see gateway/managers.py) only
the customers it manages."""

from typing import Annotated

import asyncpg
import msgspec
from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, reach
from gateway.identity import Caller
from gateway.managers import Manager, manager
from gateway.problems import Problem
from projections.search import KINDS, SEARCH, Hit, search

ADMINISTRATOR, HELP_DESK = "administrator", "help desk"
MIN_QUERY, MAX_QUERY = 2, 100  # trigrams need two characters; a search box holds a name or an address


class SearchResults(msgspec.Struct, kw_only=True):
    items: list[Hit]  # best first


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    q: str
    kind: str | None


async def help_desk(token_caller: Caller, portal: Portal) -> Manager:
    """The platform's help desk and administrators see every account; a reseller its own customers."""
    if token_caller.platform_role in (ADMINISTRATOR, HELP_DESK):
        return Manager(caller=token_caller, scope=None)
    return await manager(token_caller, portal)


async def search_query(desk: Manager,
                       q: Annotated[str | None, Parameter(description="A name, id, number, e-mail address or "
                                                                      "domain, or the start of one")] = None,
                       kind: Annotated[str | None, Parameter(description="Only this kind: " + ", ".join(KINDS))]
                       = None) -> SearchQuery:
    # `desk` is only asked for so that the credentials are checked before these parameters.
    text = (q or "").strip()
    if not MIN_QUERY <= len(text) <= MAX_QUERY:
        raise Problem(422, "validation", N_("q: what to search for, {least} to {most} characters"), field="q",
                      least=MIN_QUERY, most=MAX_QUERY)
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise Problem(422, "validation", N_("q: text without control characters"), field="q")
    if kind is not None and kind not in KINDS:
        raise Problem(422, "validation", N_("kind: one of {kinds}"), field="kind", kinds=", ".join(KINDS))
    return SearchQuery(q=text, kind=kind)


class HelpDeskSearchController(Controller):
    path = "/v1/helpdesk/search"
    tags = ["helpdesk"]
    dependencies = {"desk": Provide(help_desk), "asked": Provide(search_query)}

    @get("", summary="Search customers (name, account id, customer number, verified domain), users (name, user id, "
                     "e-mail address), client ids and invoice numbers; by prefix or despite a typo, best first")
    async def find(self, desk: Manager, asked: SearchQuery, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> SearchResults:
        await reach(state, SEARCH.name, min_position)
        return SearchResults(items=await search(pool, desk.scope, asked.q, asked.kind))
