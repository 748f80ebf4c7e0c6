"""API keys for integrations: per account, read-only or read-write, shown once, revocable, and refused
while the account's API access is switched off."""

from typing import Annotated, Any, Literal

import asyncpg
import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from gateway.credentials import KnownTokens
from gateway.consistency import MinPosition, accepted, command, reach
from gateway.fields import Plain, Text
from gateway.identity import Caller, issue_api_key, new_api_key, owner, revoke_api_key_token
from projections.access import ACCOUNT_ACCESS, ApiKey, api_keys


class NewApiKey(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Annotated[Text, msgspec.Meta(min_length=1, max_length=100)]
    scope: Literal["read", "write"]


class CreatedApiKey(msgspec.Struct, kw_only=True):
    key_id: str
    api_key: str  # shown this once; only its digest is kept
    scope: str
    position: int


class ApiKeysController(Controller):
    path = "/v1/api-keys"
    tags = ["api keys"]
    dependencies = {"caller": Provide(owner)}

    @get("", summary="The account's active API keys (never the keys themselves)")
    async def list_keys(self, caller: Caller, state: State, pool: asyncpg.Pool,
                        min_position: Annotated[int | None, MinPosition] = None) -> list[ApiKey]:
        await reach(state, ACCOUNT_ACCESS.name, min_position)
        return await api_keys(pool, caller.account_id)

    @post("", status_code=201, summary="Create an API key; use it as `Authorization: Bearer <api_key>`")
    async def create_key(self, data: NewApiKey, caller: Caller, portal: Portal, pool: asyncpg.Pool) -> Response[Any]:
        secret = new_api_key()
        key_id, position = await command(caller.actor, portal.create_api_key, caller.account_id, data.name,
                                         data.scope, secret[:8])
        await issue_api_key(pool, account_id=caller.account_id, key_id=key_id, name=data.name,
                            scope=data.scope, secret=secret)
        return accepted(position, CreatedApiKey(key_id=key_id, api_key=secret, scope=data.scope, position=position),
                        status=201)

    @delete("/{key_id:str}", status_code=200, summary="Revoke an API key; it stops working at once")
    async def revoke_key(self, key_id: Annotated[str, Plain], caller: Caller, portal: Portal,
                         pool: asyncpg.Pool, tokens: KnownTokens) -> Response[Any]:
        position = await command(caller.actor, portal.revoke_api_key, caller.account_id, key_id)
        await revoke_api_key_token(pool, tokens, caller.account_id, key_id)
        return accepted(position)
