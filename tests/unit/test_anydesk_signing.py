"""AnyDesk request signatures (gateway.anydesk.signing): the published test vector and the resource signed."""

import pytest

from gateway.anydesk.signing import Authorization, content_hash, parse_authorization, signed_resource, token

EMPTY_BODY_HASH = "2jmj7l5rSw0yVb/vlWAYkK/YBwk="


def test_the_published_test_vector_signs_as_published():
    assert token("UYETICGU2CT3KES", "GET", "/auth", "1445440997", content_hash(b"")) == "T2YsCOj2o3Rb79nLPUgx3Gl+nnw="


def test_an_empty_body_hashes_as_published():
    assert content_hash(b"") == EMPTY_BODY_HASH


def test_the_authorization_header_names_license_timestamp_and_token():
    assert parse_authorization("AD 1438129266231705:1445440997:T2YsCOj2o3Rb79nLPUgx3Gl+nnw=") == Authorization(
        license_id="1438129266231705", timestamp="1445440997", token="T2YsCOj2o3Rb79nLPUgx3Gl+nnw=")


@pytest.mark.parametrize("header", ["", "Bearer abc", "AD 1438129266231705:1445440997", "AD abc:1:T2Ys",
                                    "AD 1438129266231705:1445440997:not a token"])
def test_other_authorization_headers_are_not_signatures(header):
    assert parse_authorization(header) is None


@pytest.mark.parametrize(("raw_path", "query", "resource"), [
    (b"/anydesk/sessions", b"direction=in&limit=10", "/sessions?direction=in&limit=10"),
    (b"/anydesk/clients", b"online", "/clients?online"),
    (b"/anydesk/clients", b"filter=%40ad&sort=alias", "/clients?filter=%40ad&sort=alias"),
    (b"/anydesk/auth", b"", "/auth"),
])
def test_the_resource_is_the_raw_path_below_the_root_with_the_raw_query(raw_path, query, resource):
    scope = {"raw_path": raw_path, "path": raw_path.decode(), "query_string": query}

    assert signed_resource(scope, "/anydesk") == resource
