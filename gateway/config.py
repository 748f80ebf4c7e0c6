"""What the gateway is configured with, and nothing else: the roles around it (workers/config.py) extend it
with their own settings and hand it over when they start the gateway."""

import msgspec


class GatewayConfig(msgspec.Struct, frozen=True, kw_only=True):
    database_url: str
    nats_url: str
    token_ttl_seconds: int = 7 * 24 * 3600
    min_position_wait_seconds: float = 2.0  # how long a query with X-Min-Position waits before 503
    presence_timeout_seconds: float = 30.0  # a client silent this long goes offline (timers; heartbeats trust)
    ready_max_lag: int = 1_000  # /ready fails when a projection is further behind the event store
    public_url: str = "http://127.0.0.1:8000"  # where users reach the portal (links in e-mails)
    signing_key_file: str | None = None  # the Ed25519 key packages are signed with (builder, gateway)
    trusted_proxies: str = "127.0.0.1"  # whose X-Forwarded-For / -Proto are believed (gateway/addresses.py)
    metrics_token: str | None = None  # /metrics answers only with it; unset: /metrics is off
    dns_resolver: str | None = None  # host:port of the DNS server domain verification asks; None: the system's
    support_email: str = "support@portal.localhost"  # where customers' support requests are e-mailed
    payment_provider: str = "sandbox"  # domain/payments.py PROVIDERS: who holds cards and charges them
    payment_webhook_secret: str | None = None  # whsec_…: the provider signs its webhook calls with it
    secrets_key: str | None = None  # AES-256 key (URL-safe base64) sealing secrets the gateway must read back
