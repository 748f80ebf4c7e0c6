"""Fixtures of the end-to-end tests: a fresh account on the running service for each test that asks."""

from dataclasses import replace

import httpx
import pytest

from tests.e2e.api import Account, command, sign_up


@pytest.fixture
async def account(http: httpx.AsyncClient) -> Account:
    return await sign_up(http)


@pytest.fixture
async def professional(http: httpx.AsyncClient, account: Account) -> Account:
    """A fresh account upgraded to Professional, a tier that may own a namespace."""
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    return replace(account, position=position)
