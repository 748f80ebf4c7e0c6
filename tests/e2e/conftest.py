"""Fixtures of the end-to-end tests: a fresh account on the running service for each test that asks."""

from dataclasses import replace

import httpx
import pytest

from domain.application import Portal
from tests.e2e.anydesk import AnyDesk, Seeded, seeded_account
from tests.e2e.api import Account, command, sign_up
from tests.e2e.devices import with_namespace
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


@pytest.fixture
async def ns_account(http: httpx.AsyncClient, professional: Account) -> Account:
    """A fresh Professional account that owns its custom namespace, so its clients may have aliases."""
    return await with_namespace(http, professional)


@pytest.fixture
async def seeded(http: httpx.AsyncClient, portal: Portal, ns_account: Account) -> tuple[Seeded, AnyDesk]:
    """`ns_account` with four clients and six past sessions, and its AnyDesk-compatible API client."""
    return await seeded_account(http, portal, ns_account)
