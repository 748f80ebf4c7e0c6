"""The last line of defence: a value the database refuses is a client's problem, never a server error."""

import asyncpg
import psycopg
import pytest
from asyncpg.exceptions._base import DataError as AsyncpgArgumentError
from eventsourcing.persistence import DataError as StoreDataError
from litestar import Litestar, get
from litestar.testing import TestClient

from gateway.problems import EXCEPTION_HANDLERS

REFUSED_BY_THE_DATABASE = {
    "nul-in-text": asyncpg.exceptions.CharacterNotInRepertoireError("invalid byte sequence for encoding UTF8: 0x00"),
    "untranslatable": asyncpg.exceptions.UntranslatableCharacterError("unsupported Unicode escape sequence"),
    "out-of-range": asyncpg.exceptions.NumericValueOutOfRangeError("bigint out of range"),
    "argument-asyncpg-cannot-send": AsyncpgArgumentError("invalid input for query argument $2"),
    "psycopg": psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
    "event-store": StoreDataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
}


@pytest.mark.parametrize("error", REFUSED_BY_THE_DATABASE.values(), ids=REFUSED_BY_THE_DATABASE.keys())
def test_a_value_the_database_refuses_is_a_bad_request(error):
    @get("/lookup")
    async def lookup() -> None:
        raise error

    with TestClient(Litestar([lookup], exception_handlers=EXCEPTION_HANDLERS)) as client:  # type: ignore[arg-type]
        response = client.get("/lookup")

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:portal:problem:unstorable-value"
