"""What every answer says about itself, through HTTP: security headers, nothing cached under /v1, HSTS only
over TLS, no server banner, `Allow` naming every method of a path, and /metrics only for the scraper."""

from collections.abc import AsyncIterator

import pytest

from tests.e2e.api import problem
from tests.support import running_service
from workers.config import Settings

METRICS_TOKEN = "scrape-token-for-tests"
SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY",
            "content-security-policy": "frame-ancestors 'none'"}


@pytest.fixture(scope="module")
async def gateway(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[str]:
    """A service of its own: the shared one runs without a metrics token."""
    async with running_service(settings, tmp_path_factory.mktemp("stack"), ("relay", "projector"),
                               {"PORTAL_METRICS_TOKEN": METRICS_TOKEN}) as base:
        yield base


@pytest.mark.parametrize("path", ["/health", "/v1/license/products", "/v1/license", "/v1/no-such-thing"])
async def test_every_answer_carries_the_security_headers_and_no_server_banner(http, path):
    response = await http.get(path)

    assert {k: response.headers.get(k) for k in SECURITY} == SECURITY
    assert "server" not in response.headers


async def test_authenticated_answers_are_never_stored(http, account):
    response = await http.get("/v1/license", headers={**account.auth, "X-Min-Position": str(account.position)})

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"


async def test_a_login_answer_carrying_a_token_is_never_stored(http, account):
    response = await http.post("/v1/auth/login", json={"email": account.email, "password": "Sunflower-Harbour-42"})

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"


async def test_hsts_only_when_the_client_came_over_tls_through_a_trusted_proxy(http):
    plain = await http.get("/health")
    tls = await http.get("/health", headers={"X-Forwarded-Proto": "https"})  # the peer, 127.0.0.1, is trusted

    assert "strict-transport-security" not in plain.headers
    assert tls.headers["strict-transport-security"].startswith("max-age=")


async def test_options_names_every_method_of_the_path(http, account):
    response = await http.options("/v1/clients/123456789", headers=account.auth)

    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE", "OPTIONS"}


async def test_a_method_the_path_lacks_is_405_naming_every_method_it_has(http, account):
    response = await http.put("/v1/clients/123456789", headers=account.auth, json={})

    problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "PATCH", "DELETE"}


async def test_metrics_need_the_scrape_token(http, account):
    for headers in ({}, account.auth, {"Authorization": "Bearer wrong"}):
        problem(await http.get("/metrics", headers=headers), 401)

    response = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})

    assert response.status_code == 200 and "portal_http_requests_total" in response.text


async def test_health_and_readiness_stay_public(http):
    assert (await http.get("/health")).status_code == 200
    assert (await http.get("/ready")).status_code in (200, 503)  # public either way: never 401
