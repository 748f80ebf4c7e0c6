"""Settings: the account's language, time zone and CSV export preferences."""

from typing import Annotated, Any, Literal

import asyncpg
import msgspec
from litestar import Controller, Response, get, patch
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.i18n import N_
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.fields import Text
from gateway.identity import Caller, customer, owner
from gateway.problems import Problem
from projections.preferences import ACCOUNT_PREFERENCES, Preferences, preferences


class PreferencesPatch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    language: Literal["en", "de", "es", "fr"] | msgspec.UnsetType = msgspec.UNSET
    time_zone: Annotated[Text, msgspec.Meta(max_length=64, description="IANA name, e.g. Europe/Berlin")] | \
        msgspec.UnsetType = msgspec.UNSET
    csv_scope: Literal["all", "page"] | msgspec.UnsetType = msgspec.UNSET
    csv_date_format: Literal["iso", "de", "fr", "us"] | msgspec.UnsetType = msgspec.UNSET


class SettingsController(Controller):
    path = "/v1/settings"
    tags = ["settings"]
    dependencies = {"caller": Provide(customer)}

    @get("", summary="Language, time zone and CSV export preferences")
    async def show(self, caller: Caller, state: State, pool: asyncpg.Pool,
                   min_position: Annotated[int | None, MinPosition] = None) -> Preferences:
        await reach(state, ACCOUNT_PREFERENCES.name, min_position)
        return await preferences(pool, caller.account_id)

    @patch("", summary="Change some preferences; fields left out stay as they are",
           dependencies={"caller": Provide(owner)})
    async def change(self, data: PreferencesPatch, caller: Caller, state: State, portal: Portal) -> Response[Any]:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if not changes:
            raise Problem(422, "validation", N_("Give at least one preference to change"), field="body")
        position = await command(caller.actor, portal.change_preferences, caller.account_id, **changes)
        # Exports, and the language of every answer, read this view: once we answer, they follow the change.
        await reach(state, ACCOUNT_PREFERENCES.name, position)
        return accepted(position)
