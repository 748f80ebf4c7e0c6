"""Helpers for the invoice tests: an upgraded account's invoices, read once the view has them."""

from typing import Any

import httpx

from tests.e2e.api import Account, command


async def invoices(http: httpx.AsyncClient, account: Account, at: int, **query: str) -> list[dict[str, Any]]:
    response = await http.get("/v1/invoices", params=query, headers={**account.auth, "X-Min-Position": str(at)})
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


async def upgraded(http: httpx.AsyncClient, account: Account, product: str = "professional") -> dict[str, Any]:
    """Upgrade; answers the invoice's body once the view holds it."""
    position = await command(http, account, "POST", "/v1/license/upgrade", {"product": product})
    newest = (await invoices(http, account, position))[0]
    response = await http.get(f"/v1/invoices/{newest['invoice_id']}", headers=account.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
