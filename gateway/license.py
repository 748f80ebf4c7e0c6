"""The License tab: product, key, limits, namespace, contract, and the tiers one may upgrade to."""

from typing import Annotated, Any

import asyncpg
import msgspec
from litestar import Controller, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.catalog import CATALOG, Product
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.license_key import license_tab_with_key
from gateway.fields import ProductCode, described
from gateway.identity import Caller, customer, owner
from gateway.problems import Problem
from projections.license import LICENSE_TAB, LicenseTab

NamespaceName = Annotated[str, described(
    N_("3 to 32 lower-case letters, digits and inner hyphens (aliases read `name@namespace`)"), r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", min_length=3, max_length=32)]


class Upgrade(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    product: ProductCode


class BuyNamespace(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    namespace: NamespaceName


class NewKey(msgspec.Struct, kw_only=True):
    license_key: str
    position: int


class LicenseController(Controller):
    path = "/v1/license"
    tags = ["license"]
    dependencies = {"caller": Provide(customer)}

    @get("", summary="The License tab")
    async def show(self, caller: Caller, state: State, pool: asyncpg.Pool, portal: Portal,
                   min_position: Annotated[int | None, MinPosition] = None) -> LicenseTab:
        await reach(state, LICENSE_TAB.name, min_position)
        tab = await license_tab_with_key(pool, portal, caller.account_id, caller.time_zone)
        if tab is None:  # the account exists (its token does) but its view has not caught up yet
            raise Problem(503, "projection-behind", N_("The license view is being prepared; retry shortly"),
                          headers={"Retry-After": "1"})
        return tab

    @get("/products", summary="The license tiers and their limits")
    async def products(self) -> list[Product]:
        return list(CATALOG)

    @post("/upgrade", status_code=200, summary="Upgrade to a higher tier (a new one-year term)",
          dependencies={"caller": Provide(owner)})
    async def upgrade(self, data: Upgrade, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.upgrade_license, caller.account_id, data.product))

    @post("/namespace", status_code=200, summary="Buy a custom namespace for aliases",
          dependencies={"caller": Provide(owner)})
    async def buy_namespace(self, data: BuyNamespace, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.buy_namespace, caller.account_id, data.namespace))

    @post("/key/reset", status_code=200, summary="Replace the license key; the old one stops working",
          dependencies={"caller": Provide(owner)})
    async def reset_key(self, caller: Caller, state: State, portal: Portal) -> Response[Any]:
        key, position = await command(caller.actor, portal.reset_license_key, caller.account_id)
        # Heartbeats check keys against this view: once we answer, the old key is refused everywhere.
        await reach(state, LICENSE_TAB.name, position)
        await state.beats.revoke(caller.account_id)  # heartbeats held in memory check the table again
        return accepted(position, NewKey(license_key=key, position=position))

    @post("/cancel", status_code=200, summary="Cancel the contract; the license runs to its expiry date",
          dependencies={"caller": Provide(owner)})
    async def cancel(self, caller: Caller, portal: Portal) -> Response[Any]:
        return accepted(await command(caller.actor, portal.cancel_license, caller.account_id))
