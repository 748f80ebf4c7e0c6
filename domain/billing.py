"""What each license event costs: the lines of its invoice, in the holder's language, prorated by day."""

import math
from datetime import datetime, timedelta

from domain.catalog import FREE, NAMESPACE_PRICE_CENTS_PER_YEAR, Product
from domain.i18n import N_, translated
from domain.invoice import Line
from domain.license import License

YEAR_DAYS = 365


def days_between(start: datetime, end: datetime) -> int:
    """Whole days, a started day counting as one."""
    return max(0, math.ceil((end - start).total_seconds() / 86_400))


def prorated(cents_per_year: int, days: int) -> int:
    return (cents_per_year * min(days, YEAR_DAYS) + YEAR_DAYS // 2) // YEAR_DAYS


def line(language: str, message: str, cents: int, **values: object) -> Line:
    return Line(description=translated(language, message).format(**values), quantity=1, unit_cents=cents)


def upgrade_lines(license_: License, product: Product, now: datetime, language: str) -> list[Line]:
    """Within a paid term: the price difference for the rest of it; otherwise the new tier's full term."""
    old = license_.effective_tier(now)
    if old is FREE or license_.expires_at is None:
        end = now + timedelta(days=product.term_days or YEAR_DAYS)
        return [line(language, N_("{product} license, {start} to {end}"), product.price_cents_per_year,
                     product=product.name, start=now.date(), end=end.date())]
    days = days_between(now, license_.expires_at)
    return [line(language, N_("Upgrade from {old} to {new}, {start} to {end} ({days} days)"),
                 prorated(product.price_cents_per_year - old.price_cents_per_year, days),
                 old=old.name, new=product.name, start=now.date(), end=license_.expires_at.date(), days=days)]


def namespace_lines(license_: License, namespace: str, now: datetime, language: str) -> list[Line]:
    end = license_.expires_at or now + timedelta(days=YEAR_DAYS)
    return [line(language, N_("Custom namespace {namespace}, {start} to {end}"),
                 prorated(NAMESPACE_PRICE_CENTS_PER_YEAR, days_between(now, end)), namespace=namespace,
                 start=now.date(), end=end.date())]


def renewal_lines(license_: License, start: datetime, language: str) -> list[Line]:
    """The renewed term (the license already runs to its new end), and the namespace it keeps."""
    end = license_.expires_at or start
    lines = [line(language, N_("{product} license, {start} to {end}"), license_.tier.price_cents_per_year,
                  product=license_.tier.name, start=start.date(), end=end.date())]
    if license_.namespace:
        lines.append(line(language, N_("Custom namespace {namespace}, {start} to {end}"),
                          NAMESPACE_PRICE_CENTS_PER_YEAR, namespace=license_.namespace, start=start.date(),
                          end=end.date()))
    return lines
