"""Who manages which customer accounts: administrators every account; a reseller (a reseller account's owner,
or a staff reseller) only the customers it created. Another reseller's customer answers 404."""

import contextlib
from uuid import UUID

import msgspec

from domain.account import Account
from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import off_loop
from gateway.identity import Caller
from gateway.problems import Problem


class Manager(msgspec.Struct, frozen=True, kw_only=True):
    caller: Caller
    scope: UUID | None  # whose customers these are (recorded as their reseller); None: every account


async def manager(token_caller: Caller, portal: Portal) -> Manager:
    if token_caller.platform_role == "administrator":
        return Manager(caller=token_caller, scope=None)
    if token_caller.platform_role == "reseller":
        return Manager(caller=token_caller, scope=token_caller.user_id)
    # An authorization check: it must see the current reseller aggregate, never a lagging view.
    if token_caller.role == "owner" and token_caller.platform_role is None and \
            await off_loop(portal.reseller, token_caller.account_id) is not None:
        return Manager(caller=token_caller, scope=token_caller.account_id)
    raise Problem(403, "forbidden", N_("Only administrators and resellers may do this"))


async def managed(portal: Portal, who: Manager, account_id: UUID) -> Account:
    """An account this manager administers; others answer 404 (never revealing that they exist)."""
    account = await off_loop(portal.account, account_id)  # an authorization check: the current aggregate
    if who.scope is not None and account.reseller_id != who.scope:
        raise Problem(404, "not-found", N_("No such account"))
    return account



async def help_desk(token_caller: Caller, portal: Portal) -> Manager:
    """The help desk: the platform's own (and administrators) for every customer; a reseller's (a staff reseller,
    or a reseller account's owner) only for its own customers."""
    if token_caller.platform_role == "help desk":
        return Manager(caller=token_caller, scope=None)
    if token_caller.platform_role in (None, "administrator", "reseller"):
        with contextlib.suppress(Problem):
            return await manager(token_caller, portal)
    raise Problem(403, "forbidden", N_("Only the help desk, administrators and resellers may do this"))
