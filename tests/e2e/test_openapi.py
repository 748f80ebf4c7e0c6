"""The OpenAPI document as a client generator or Swagger UI reads it: credentials and problem answers."""

import pytest


@pytest.fixture(scope="module")
async def document(gateway):
    import httpx

    async with httpx.AsyncClient(base_url=gateway) as http:
        return (await http.get("/schema/openapi.json")).json()


def operation(document, method: str, path: str) -> dict:
    return document["paths"][path][method]


def test_the_three_credentials_are_declared_as_security_schemes(document):
    schemes = document["components"]["securitySchemes"]

    assert (schemes["bearer"]["scheme"], schemes["apiKey"]["scheme"]) == ("bearer", "bearer")
    assert (schemes["licenseKey"]["in"], schemes["licenseKey"]["name"]) == ("header", "X-License-Key")


@pytest.mark.parametrize("method, path, security", [
    ("get", "/v1/license", [{"bearer": []}, {"apiKey": []}]),
    ("post", "/v1/device/register", [{"licenseKey": []}]),
    ("post", "/v1/signup", None),
])
def test_each_operation_names_the_credential_it_needs(document, method, path, security):
    assert operation(document, method, path).get("security") == security


@pytest.mark.parametrize("method, path, statuses", [
    ("patch", "/v1/clients/{client_id}", {"400", "401", "403", "404", "409", "422", "503"}),
    ("post", "/v1/auth/login", {"400", "422", "429", "503"}),
    ("get", "/v1/audit", {"401", "403", "422", "503"}),
])
def test_each_operation_lists_its_problem_answers_with_the_problem_schema(document, method, path, statuses):
    responses = operation(document, method, path)["responses"]

    assert statuses <= responses.keys()
    for status in statuses:
        assert responses[status]["content"]["application/problem+json"]["schema"] == {
            "$ref": "#/components/schemas/Problem"}
    assert "detail" in document["components"]["schemas"]["Problem"]["properties"]
