"""Who is on the other end: the client's address and whether it reached us over TLS, believing
`X-Forwarded-For` and `X-Forwarded-Proto` only from the reverse proxies named in PORTAL_TRUSTED_PROXIES.

Login limits and the audit trail key on this address, so a forged header must never choose it: the list is
walked from the right (the hops our own proxies appended), past every trusted proxy, to the first hop that is
not one; a hop that is not an IP address ends the walk at the last address we could vouch for.
"""

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Trusted = Callable[[str], bool]


@lru_cache(maxsize=4096)  # every request parses its peer's address; peers are few
def valid_ip(text: str) -> str | None:
    """The address in its canonical form, or None when `text` is not an IP address."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def trusted_proxies(setting: str) -> Trusted:
    """`PORTAL_TRUSTED_PROXIES`: comma-separated addresses or networks (10.0.0.0/8), or `*` for any peer."""
    entries = [e.strip() for e in setting.split(",") if e.strip()]
    if "*" in entries:
        return lambda address: True
    networks = [ipaddress.ip_network(e, strict=False) for e in entries]

    def trusted(address: str) -> bool:
        try:
            ip: Address = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in networks)
    return trusted


def client_address(peer: str, forwarded_for: str | None, trusted: Trusted) -> str:
    """The first untrusted hop of `peer` and the `X-Forwarded-For` list before it."""
    address = valid_ip(peer) or peer
    hops = forwarded_for.split(",") if forwarded_for is not None else []
    for hop in reversed(hops):
        if not trusted(address):
            break
        candidate = valid_ip(hop)
        if candidate is None:
            break
        address = candidate
    return address


def over_tls(scheme: str, peer: str, forwarded_proto: str | None, trusted: Trusted) -> bool:
    """Whether the client's own connection is TLS: ours, or the trusted proxy's word for it."""
    if scheme == "https":
        return True
    last = (forwarded_proto or "").split(",")[-1].strip().lower()
    return last == "https" and trusted(valid_ip(peer) or peer)


def note_client(scope: Any, trusted: Trusted) -> None:
    """Record `client_address` and `over_tls` in the request's state, once (gateway/edge.py calls it)."""
    forwarded_for: list[str] = []
    proto: list[str] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            forwarded_for.append(value.decode("latin-1"))
        elif name == b"x-forwarded-proto":
            proto.append(value.decode("latin-1"))
    peer = scope["client"][0] if scope.get("client") else "unknown"
    state = scope.setdefault("state", {})
    state["client_address"] = client_address(peer, ",".join(forwarded_for) if forwarded_for else None, trusted)
    state["over_tls"] = over_tls(scope.get("scheme", "http"), peer, ",".join(proto), trusted)
