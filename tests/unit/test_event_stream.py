"""What the live event stream sends while the account is quiet."""

from gateway.events import KEEP_ALIVE


def test_a_keep_alive_is_a_comment_line_and_no_event() -> None:
    assert KEEP_ALIVE.encode() == b": keep-alive\r\n\r\n"
