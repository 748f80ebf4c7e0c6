"""Read-model migrations are applied by number: two files with one number would leave one of them unapplied."""

from collections import Counter

from projections.migrate import MIGRATIONS


def test_every_migration_has_a_number_of_its_own():
    numbers = Counter(int(path.name.split("_", 1)[0]) for path in MIGRATIONS.glob("*.sql"))

    assert [n for n, count in numbers.items() if count > 1] == []
