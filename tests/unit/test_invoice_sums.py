"""The sums of every invoice add up, whatever its lines and VAT rate (property-based)."""

from hypothesis import given, strategies as st

from domain.invoice import Line, summed
from domain.vat import RATES

lines = st.lists(st.builds(Line, description=st.text(max_size=20), quantity=st.integers(1, 10_000),
                           unit_cents=st.integers(0, 10 ** 9)), min_size=1, max_size=30)
rates = st.sampled_from(sorted(set(RATES.values())))


@given(lines, rates)
def test_net_is_the_lines_total_is_net_and_vat_and_vat_is_the_rate_rounded(lines, rate):
    sums = summed(lines, rate)

    assert sums.net_cents == sum(line.quantity * line.unit_cents for line in lines)
    assert sums.total_cents == sums.net_cents + sums.vat_cents
    assert abs(sums.vat_cents * 10_000 - sums.net_cents * rate) <= 5_000  # at most half a cent off


@given(lines, rates)
def test_a_credit_note_of_the_same_lines_is_exactly_the_negative(lines, rate):
    negated = [Line(description=line.description, quantity=line.quantity, unit_cents=-line.unit_cents)
               for line in lines]

    sums, credit = summed(lines, rate), summed(negated, rate)

    assert (credit.net_cents, credit.vat_cents, credit.total_cents) == (
        -sums.net_cents, -sums.vat_cents, -sums.total_cents)
