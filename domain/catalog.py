"""The license tiers (products) and their limits: the catalog that every later feature enforces."""

from typing import Final

import msgspec


class Product(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    rank: int  # upgrades only go up in rank
    price_cents_per_year: int  # EUR minor units, never float
    max_clients: int
    max_concurrent_sessions: int
    max_active_devices: int | None  # only the Power tier limits concurrently active devices
    max_session_minutes: int
    max_aliases: int  # 0: the tier cannot own a custom namespace
    custom_clients: bool
    term_days: int | None  # None: never expires


CATALOG: Final[tuple[Product, ...]] = (
    Product(code="free", name="Free", rank=0, price_cents_per_year=0, max_clients=3,
            max_concurrent_sessions=1, max_active_devices=None, max_session_minutes=60,
            max_aliases=0, custom_clients=False, term_days=None),
    Product(code="lite", name="Lite", rank=1, price_cents_per_year=11_880, max_clients=100,
            max_concurrent_sessions=1, max_active_devices=None, max_session_minutes=480,
            max_aliases=0, custom_clients=False, term_days=365),
    Product(code="professional", name="Professional", rank=2, price_cents_per_year=22_680,
            max_clients=1_000, max_concurrent_sessions=1, max_active_devices=None,
            max_session_minutes=1_440, max_aliases=100, custom_clients=False, term_days=365),
    Product(code="power", name="Power", rank=3, price_cents_per_year=34_680, max_clients=3_000,
            max_concurrent_sessions=2, max_active_devices=3, max_session_minutes=1_440,
            max_aliases=500, custom_clients=False, term_days=365),
    Product(code="performance", name="Performance", rank=4, price_cents_per_year=58_680,
            max_clients=5_000, max_concurrent_sessions=4, max_active_devices=None,
            max_session_minutes=2_880, max_aliases=1_000, custom_clients=True, term_days=365),
    Product(code="enterprise", name="Enterprise", rank=5, price_cents_per_year=240_000,
            max_clients=100_000, max_concurrent_sessions=20, max_active_devices=None,
            max_session_minutes=10_080, max_aliases=100_000, custom_clients=True, term_days=365),
)

PRODUCTS: Final[dict[str, Product]] = {p.code: p for p in CATALOG}
FREE: Final[Product] = PRODUCTS["free"]
