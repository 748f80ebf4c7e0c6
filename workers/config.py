"""Configuration from the environment: the same variables for every role (see README, Configuration)."""

import os
from urllib.parse import unquote, urlsplit

from gateway.config import GatewayConfig


class Settings(GatewayConfig, frozen=True, kw_only=True):
    """Every role's settings: the gateway's own, and those only the workers read."""

    log_level: str = "INFO"

    @classmethod
    def from_env(cls) -> "Settings":
        missing = [v for v in ("PORTAL_DATABASE_URL", "PORTAL_NATS_URL") if not os.environ.get(v)]
        if missing:
            raise SystemExit(f"Set {' and '.join(missing)} (or run `portal dev` for the embedded servers)")
        optional = {
            "token_ttl_seconds": ("PORTAL_TOKEN_TTL_SECONDS", int),
            "min_position_wait_seconds": ("PORTAL_MIN_POSITION_WAIT_SECONDS", float),
            "ready_max_lag": ("PORTAL_READY_MAX_LAG", int),
            "log_level": ("PORTAL_LOG_LEVEL", str),
            "presence_timeout_seconds": ("PORTAL_PRESENCE_TIMEOUT_SECONDS", float),
            "public_url": ("PORTAL_PUBLIC_URL", str),
            "signing_key_file": ("PORTAL_SIGNING_KEY_FILE", str),
            "trusted_proxies": ("PORTAL_TRUSTED_PROXIES", str),
            "metrics_token": ("PORTAL_METRICS_TOKEN", str),
            "secrets_key": ("PORTAL_SECRETS_KEY", str),
            "dns_resolver": ("PORTAL_DNS_RESOLVER", str),
            "support_email": ("PORTAL_SUPPORT_EMAIL", str),
            "payment_provider": ("PORTAL_PAYMENT_PROVIDER", str),
            "payment_webhook_secret": ("PORTAL_PAYMENT_WEBHOOK_SECRET", str),
        }
        given = {field: kind(os.environ[var]) for field, (var, kind) in optional.items() if os.environ.get(var)}
        return cls(database_url=os.environ["PORTAL_DATABASE_URL"], nats_url=os.environ["PORTAL_NATS_URL"],
                   **given)


def event_store_env(database_url: str, create_tables: bool = False) -> dict[str, str]:
    """The `eventsourcing` PostgreSQL settings for a postgresql:// URL. Only `portal migrate` creates the
    tables: roles starting together would otherwise race on the same DDL ("tuple concurrently updated")."""
    url = urlsplit(database_url)
    return {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "APPLICATION_RECORDER_TOPIC": "workers.recorder:PortalRecorder",  # fails fast when PostgreSQL is down
        "CREATE_TABLE": "yes" if create_tables else "no",
        "AGGREGATE_CACHE_MAXSIZE": "20000",  # recently used aggregates stay loaded; newer events are fetched
        "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
        "POSTGRES_HOST": url.hostname or "127.0.0.1",
        "POSTGRES_PORT": str(url.port or 5432),
        "POSTGRES_USER": unquote(url.username or "postgres"),
        "POSTGRES_PASSWORD": unquote(url.password or ""),
        "POSTGRES_POOL_SIZE": "10",
        "POSTGRES_MAX_OVERFLOW": "20",
        "POSTGRES_CONNECT_TIMEOUT": "2",  # the longest wait for a pooled connection, per attempt
        # Personal fields are sealed with each account's data key (crypto-shredding); see workers/shredding.py.
        "MAPPER_TOPIC": "workers.shredding:ShreddingMapper",
        "CIPHER_TOPIC": "workers.shredding:AccountKeys",
    }
