"""A real DNS server on loopback (dnslib's, in a thread) answering the TXT records a test publishes."""

from collections.abc import Iterator
from contextlib import contextmanager

from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer


class Zone(BaseResolver):  # type: ignore[misc]
    """TXT records by domain name; any other name does not exist (NXDOMAIN)."""

    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}

    def publish(self, domain: str, *records: str) -> None:
        self.txt[domain.lower()] = list(records)

    def resolve(self, request: DNSRecord, handler: DNSHandler) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        if name not in self.txt:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.TXT:
            for record in self.txt[name]:
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(record), ttl=1))
        return reply


@contextmanager
def dns_server() -> Iterator[tuple[Zone, str]]:
    """The zone and the server's `host:port` (UDP, on a free loopback port)."""
    zone = Zone()
    server = DNSServer(zone, address="127.0.0.1", port=0, logger=DNSLogger("-request,-reply,-truncated,-error"))
    server.start_thread()
    try:
        host, port = server.server.server_address
        yield zone, f"{host}:{port}"
    finally:
        server.stop()
