"""What a read model's failure says about the event: where and what it was, never its content."""

from projections.readmodel import Unappliable


def test_the_reason_keeps_the_first_line_of_the_cause_with_quoted_values_masked() -> None:
    cause = ValueError('invalid input syntax for type uuid: "ann@example.com"\nDETAIL:  Failing row contains (Ann)')

    failed = Unappliable("clients", 42, "ClientCommented", cause)

    assert (failed.error, failed.reason) == ("ValueError", 'invalid input syntax for type uuid: "…"')
    assert str(failed) == ('clients cannot apply ClientCommented at position 42: ValueError: '
                           'invalid input syntax for type uuid: "…"')
