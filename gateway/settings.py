"""Settings: the account's language, time zone and CSV export preferences."""

from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, patch
from litestar.datastructures import State
from litestar.di import Provide

from gateway.consistency import accepted, command, off_loop
from gateway.fields import Text
from gateway.identity import Caller, customer, owner
from gateway.problems import Problem


class Preferences(msgspec.Struct, kw_only=True):
    language: str
    time_zone: str
    csv_scope: str
    csv_date_format: str


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
    async def show(self, caller: Caller, state: State) -> Preferences:
        account = await off_loop(state.portal.account, caller.account_id)  # read from the event store itself
        return Preferences(**account.preferences)

    @patch("", summary="Change some preferences; fields left out stay as they are",
           dependencies={"caller": Provide(owner)})
    async def change(self, data: PreferencesPatch, caller: Caller, state: State) -> Response[Any]:
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        if not changes:
            raise Problem(422, "validation", "Give at least one preference to change", field="body")
        return accepted(await command(caller.actor, state.portal.change_preferences, caller.account_id, **changes))
