"""The audit hash chain: each entry of an account hashes its content and the previous entry's hash, so a
stored event changed after the fact no longer matches the chain recorded when it happened.

The content is the public contract struct with default-valued fields left out, so adding a field with a
default (the only change a contract version allows) keeps the hashes of older events.
"""

import hashlib
import json
from typing import Any

import msgspec

from domain.contract import PortalEvent

GENESIS = "0" * 64  # the "previous hash" of an account's first entry


def canonical(value: Any) -> Any:
    """Plain JSON values of a struct, without the fields that still hold their default."""
    if isinstance(value, msgspec.Struct):
        return {f.name: canonical(getattr(value, f.name)) for f in msgspec.structs.fields(value)
                if getattr(value, f.name) != f.default}
    return msgspec.to_builtins(value)


def link(previous: str, position: int, event: PortalEvent) -> str:
    """The hash of one entry: sha256(previous hash + canonical JSON of position, type and event)."""
    content = {"position": position, "type": type(event).__name__, "event": canonical(event)}
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(previous.encode() + text.encode()).hexdigest()
