"""The audit hash chain: each entry of an account hashes its content and the previous entry's hash, so a
stored event changed after the fact no longer matches the chain recorded when it happened.

The content is the event as published (its personal fields sealed, so the chain covers the stored ciphertext
and still verifies once a deleted account's key is gone) with default-valued fields left out, so adding a field
with a default (the only change a contract version allows) keeps the hashes of older events.
"""

import functools
import hashlib
import json
import typing
from typing import Any

import msgspec

from domain.contract import PortalEvent

GENESIS = "0" * 64  # the "previous hash" of an account's first entry


@functools.cache
def _fields(struct: type) -> tuple[tuple[msgspec.structs.FieldInfo, type | None], ...]:
    """A struct type's fields, each with the struct type it nests (if any): msgspec works them out from the
    annotations on every call, which the audit trail would pay for every field of every event."""
    return tuple((f, next((t for t in (f.type, *typing.get_args(f.type))
                           if isinstance(t, type) and issubclass(t, msgspec.Struct)), None))
                 for f in msgspec.structs.fields(struct))


def canonical(value: Any) -> Any:
    """Plain JSON values of a struct, without the fields that still hold their default."""
    if isinstance(value, msgspec.Struct):
        return {f.name: canonical(getattr(value, f.name)) for f, _ in _fields(type(value))
                if getattr(value, f.name) != f.default}
    return msgspec.to_builtins(value)


def published(struct: type[PortalEvent], body: dict[str, Any]) -> dict[str, Any]:
    """The canonical form of a published body, as `canonical` gives for a struct: its sealed fields are objects
    where the struct's types say strings, so it is read field by field instead of decoded into `struct`."""
    return _without_defaults(struct, body)


def _without_defaults(struct: Any, body: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for f, nested in _fields(struct):
        if f.encode_name not in body or (f.default is not msgspec.NODEFAULT
                                         and body[f.encode_name] == msgspec.to_builtins(f.default)):
            continue
        value = body[f.encode_name]
        out[f.name] = _without_defaults(nested, value) if nested and isinstance(value, dict) else value
    return out


def link(previous: str, position: int, event_type: str, content: dict[str, Any]) -> str:
    """The hash of one entry: sha256(previous hash + canonical JSON of position, type and the event's
    `published` content)."""
    content = {"position": position, "type": event_type, "event": content}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(previous.encode() + text.encode()).hexdigest()
