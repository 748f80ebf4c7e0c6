"""U+0000 in an event's strings becomes U+FFFD before it reaches PostgreSQL; nothing else changes."""

import msgspec

from projections.readmodel import storable_json


def test_nul_becomes_the_replacement_character_in_every_string() -> None:
    body = msgspec.json.encode({"name": "Ann\x00", "tags": ["a\x00b", 1], "nested": {"k\x00": None}})

    assert msgspec.json.decode(storable_json(body)) == {"name": "Ann\ufffd", "tags": ["a\ufffdb", 1],
                                                        "nested": {"k\ufffd": None}}


def test_a_body_without_nul_is_passed_through_untouched() -> None:
    body = msgspec.json.encode({"name": "Ann", "amount": 1.5})

    assert storable_json(body) is body


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul() -> None:
    body = msgspec.json.encode({"path": "C:\\u0000"})

    assert msgspec.json.decode(storable_json(body)) == {"path": "C:\\u0000"}
