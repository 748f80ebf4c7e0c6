"""`portal dev` makes its data folder's key for sealed secrets once, readable only by its owner."""

from gateway.sealing import Sealer
from workers.dev import secrets_key


def test_the_key_is_made_once_and_kept(tmp_path):
    first = secrets_key(tmp_path)

    assert secrets_key(tmp_path) == first
    assert Sealer(first)  # a usable key


def test_only_the_owner_may_read_the_key(tmp_path):
    secrets_key(tmp_path)

    assert (tmp_path / "secrets.key").stat().st_mode & 0o077 == 0
