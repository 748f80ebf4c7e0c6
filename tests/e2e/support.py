"""Helpers for the support tests: open a request, read the customer's and the help desk's views."""

from typing import Any

import httpx

from tests.e2e.people import bearer

REQUEST = {"subject": "Cannot connect to the office PC", "category": "sessions",
           "message": "It stops at 'waiting for image'.\nSince Monday."}


async def open_request(http: httpx.AsyncClient, token: str, **body: Any) -> dict[str, Any]:
    """Opens a support request as the holder of `token`; answers {request_id, number, position}."""
    response = await http.post("/v1/support/requests", json={**REQUEST, **body}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def seen(http: httpx.AsyncClient, token: str, path: str, at: int, **params: Any) -> httpx.Response:
    """A GET answered once the support view has applied position `at`."""
    return await http.get(path, params=params, headers={**bearer(token), "X-Min-Position": str(at)})
