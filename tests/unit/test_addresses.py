"""The client's address from X-Forwarded-For: only through trusted proxies, only a valid IP address."""

import pytest

from gateway.addresses import client_address, over_tls, trusted_proxies

PROXIES = trusted_proxies("127.0.0.1, 10.0.0.0/8, fd00::/8")


def test_without_the_header_the_peer_is_the_client():
    assert client_address("203.0.113.7", None, PROXIES) == "203.0.113.7"


def test_an_untrusted_peer_cannot_choose_its_address():
    assert client_address("203.0.113.7", "198.51.100.1", PROXIES) == "203.0.113.7"


def test_a_trusted_proxys_last_hop_is_the_client():
    assert client_address("127.0.0.1", "198.51.100.1", PROXIES) == "198.51.100.1"


def test_hops_a_client_forged_left_of_the_first_untrusted_one_are_ignored():
    forwarded = "1.1.1.1, 198.51.100.1, 10.0.0.5"  # client forged 1.1.1.1; our proxies appended the rest

    assert client_address("127.0.0.1", forwarded, PROXIES) == "198.51.100.1"


def test_when_every_hop_is_a_trusted_proxy_the_leftmost_is_the_client():
    assert client_address("127.0.0.1", "10.1.2.3, 10.0.0.5", PROXIES) == "10.1.2.3"


@pytest.mark.parametrize("garbage", ["unknown", "<script>", "1.2.3.4:80", "", "999.1.1.1", "1.1.1.1 OR 1=1"])
def test_a_hop_that_is_not_an_ip_address_ends_the_walk_at_the_last_trusted_one(garbage):
    assert client_address("127.0.0.1", f"198.51.100.1, {garbage}", PROXIES) == "127.0.0.1"
    assert client_address("127.0.0.1", f"{garbage}, 10.0.0.5", PROXIES) == "10.0.0.5"


def test_addresses_are_canonical_so_one_client_is_one_key():
    assert client_address("127.0.0.1", "2001:DB8:0:0::1", PROXIES) == "2001:db8::1"


def test_private_ranges_count_only_when_listed():
    assert client_address("fd00::1", "198.51.100.1", PROXIES) == "198.51.100.1"
    assert client_address("192.168.1.1", "198.51.100.1", PROXIES) == "192.168.1.1"


def test_a_star_trusts_every_peer():
    assert client_address("192.168.1.1", "198.51.100.1", trusted_proxies("*")) == "198.51.100.1"


def test_tls_is_believed_from_our_own_scheme_or_a_trusted_proxy_only():
    assert over_tls("https", "203.0.113.7", None, PROXIES)
    assert over_tls("http", "127.0.0.1", "https", PROXIES)
    assert not over_tls("http", "203.0.113.7", "https", PROXIES)
    assert not over_tls("http", "127.0.0.1", "https, http", PROXIES)
