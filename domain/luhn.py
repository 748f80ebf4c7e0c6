"""The Luhn checksum: one mistyped digit (and most swaps) change it. Customer numbers carry one; card numbers do."""


def _sum(digits: str, double_first: bool) -> int:
    total = 0
    for i, digit in enumerate(reversed(digits)):
        d = int(digit) * (2 if (i % 2 == 0) == double_first else 1)
        total += d - 9 if d > 9 else d
    return total


def check_digit(body: str) -> str:
    """The digit that makes `body` + it pass `valid`."""
    return str((10 - _sum(body, double_first=True) % 10) % 10)


def valid(digits: str) -> bool:
    return _sum(digits, double_first=False) % 10 == 0
