"""Fixtures of the end-to-end tests: a fresh account on the running service for each test that asks."""

from dataclasses import replace

import httpx
import pytest

from tests.e2e.api import Account, command, sign_up
from tests.e2e.people import forget_address_failures


@pytest.fixture
async def account(http: httpx.AsyncClient) -> Account:
    return await sign_up(http)


@pytest.fixture
async def professional(http: httpx.AsyncClient, account: Account) -> Account:
    """A fresh account upgraded to Professional, a tier that may own a namespace."""
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": "professional"})
    return replace(account, position=position)


@pytest.fixture
async def failures_forgotten(pool):  # type: ignore[no-untyped-def]
    """Tests that fail logins on purpose forget them afterwards: every test client shares 127.0.0.1, whose
    per-address limit would otherwise lock the rest of the session out."""
    since = await pool.fetchval("SELECT now()")
    yield
    await forget_address_failures(pool, since)
