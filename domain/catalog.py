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
    max_custom_clients: int = 0  # only tiers with custom_clients hold any


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
            max_session_minutes=2_880, max_aliases=1_000, custom_clients=True, term_days=365,
            max_custom_clients=20),
    Product(code="enterprise", name="Enterprise", rank=5, price_cents_per_year=240_000,
            max_clients=100_000, max_concurrent_sessions=20, max_active_devices=None,
            max_session_minutes=10_080, max_aliases=100_000, custom_clients=True, term_days=365,
            max_custom_clients=200),
)

NAMESPACE_PRICE_CENTS_PER_YEAR: Final = 6_000  # a custom namespace, billed with the license's term (EUR, net)

PRODUCTS: Final[dict[str, Product]] = {p.code: p for p in CATALOG}
FREE: Final[Product] = PRODUCTS["free"]


class Platform(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    version: str  # the software version until staff publish a newer one (`portal release`)
    installer: str  # the installer's file type inside the package


PLATFORMS: Final[dict[str, Platform]] = {p.code: p for p in (
    Platform(code="windows", name="Windows", version="9.0.5", installer="exe"),
    Platform(code="windows-msi", name="Windows (MSI)", version="9.0.5", installer="msi"),
    Platform(code="macos", name="macOS", version="9.0.4", installer="dmg"),
    Platform(code="linux-deb", name="Linux (DEB)", version="7.0.2", installer="deb"),
    Platform(code="linux-rpm", name="Linux (RPM)", version="7.0.2", installer="rpm"),
    Platform(code="android", name="Android", version="8.0.3", installer="apk"),
    Platform(code="ios", name="iOS", version="7.1.0", installer="ipa"),
)}


class Option(msgspec.Struct, frozen=True, kw_only=True):
    """An advanced option a custom client may set, and the values it takes."""
    kind: str  # "bool", "int" (minimum..maximum) or "choice" (one of choices)
    meaning: str
    minimum: int = 0
    maximum: int = 0
    choices: tuple[str, ...] = ()


ADVANCED_OPTIONS: Final[dict[str, Option]] = {
    "ad.security.unattended_access": Option(kind="bool", meaning="allow unattended access with a password"),
    "ad.security.file_transfer": Option(kind="bool", meaning="allow file transfer"),
    "ad.session.record": Option(kind="bool", meaning="record every session"),
    "ad.ui.hide_tray_icon": Option(kind="bool", meaning="hide the tray icon"),
    "ad.connection.port": Option(kind="int", meaning="the direct-connection port", minimum=1, maximum=65_535),
    "ad.ui.language": Option(kind="choice", meaning="the interface language",
                             choices=("de", "en", "es", "fr", "it", "pt")),
}
