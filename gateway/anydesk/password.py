"""Portal's own route for the AnyDesk-compatible API: the owner creates or resets its password, shown once."""

import base64
import secrets
from typing import Any

import asyncpg
import msgspec
from litestar import Controller, Response, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from gateway.consistency import accepted, command
from gateway.identity import Caller, owner
from gateway.problems import Problem
from gateway.sealing import sealer
from projections.anydesk_credentials import keep_password

PASSWORD_BYTES = 15  # 120 random bits: 24 characters of base32, like AnyDesk's upper-case passwords


class ApiPassword(msgspec.Struct, kw_only=True):
    license_id: str
    api_password: str  # shown this once; kept only sealed
    position: int


def new_api_password() -> str:
    return base64.b32encode(secrets.token_bytes(PASSWORD_BYTES)).decode()


class ApiPasswordController(Controller):
    path = "/v1/license/api-password"
    tags = ["license"]
    dependencies = {"caller": Provide(owner)}

    @post("", status_code=200, summary="Create or reset the password of the AnyDesk-compatible API (under /anydesk); "
                                       "the previous one stops working")
    async def set_password(self, caller: Caller, portal: Portal, pool: asyncpg.Pool,
                           state: State) -> Response[Any]:
        key = state.settings.secrets_key
        if key is None:
            raise Problem(503, "not-configured", "This server has no PORTAL_SECRETS_KEY to keep API passwords with")
        password = new_api_password()
        license_id, position = await command(caller.actor, portal.set_api_password, caller.account_id)
        await keep_password(pool, caller.account_id, license_id, sealer(key).seal(password, license_id), position)
        answer = accepted(position, ApiPassword(license_id=license_id, api_password=password, position=position))
        answer.headers["Cache-Control"] = "no-store"  # a secret: no cache or proxy keeps a copy
        return answer
