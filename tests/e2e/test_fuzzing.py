"""Schemathesis against the running gateway's own OpenAPI: valid and invalid requests of every operation, as
an anonymous caller and as a customer, and not one may answer a server error."""

import re

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from tests.e2e.api import PASSWORD, new_email

EXAMPLES = 6  # per operation and caller: about a minute for both callers on this machine
# The live event stream never ends by itself; a customer who logged out or changed their password mid-run
# would fuzz only 401s from then on.
ENDLESS = re.compile(r"^/v1/events/stream$")
SPENDS_THE_LOGIN = re.compile(r"^/v1/(auth/logout|auth/logout-everywhere|auth/password|events/stream)$")


def server_errors(gateway: str, session: requests.Session, skip: re.Pattern[str]) -> list[str]:
    """Every server error that bounded, derandomised examples of each operation provoke (none is shrunk or
    stops the run: one failing operation must not hide another's)."""
    schema = schemathesis.openapi.from_url(f"{gateway}/schema/openapi.json")
    found: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if skip.match(operation.path):
            continue

        @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(schemathesis.GenerationMode.POSITIVE),
                              operation.as_strategy(schemathesis.GenerationMode.NEGATIVE)))
        def call(case: schemathesis.Case) -> None:
            response = case.call(base_url=gateway, session=session, timeout=30)  # the loopback gateway only
            if response.status_code >= 500:
                found.append(f"{response.request.method} {response.request.url}: {response.status_code} "
                             f"{response.text[:300]}")
        call()
    return found


@pytest.mark.slow
@pytest.mark.usefixtures("failures_forgotten")
def test_no_request_of_an_anonymous_caller_is_a_server_error(gateway: str) -> None:
    with requests.Session() as anonymous:
        assert server_errors(gateway, anonymous, ENDLESS) == []


@pytest.mark.slow
@pytest.mark.usefixtures("failures_forgotten")
def test_no_request_of_a_customer_is_a_server_error(gateway: str) -> None:
    response = httpx.post(f"{gateway}/v1/signup",
                          json={"email": new_email(), "password": PASSWORD, "name": "Fuzz Customer"})
    assert response.status_code == 201, response.text
    with requests.Session() as customer:
        customer.headers["Authorization"] = f"Bearer {response.json()['token']}"
        assert server_errors(gateway, customer, SPENDS_THE_LOGIN) == []
