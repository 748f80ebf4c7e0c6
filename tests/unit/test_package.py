"""Custom-client packages: reproducible bytes, a signature anyone can check, and the byte ranges served."""

import io
import zipfile
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.custom_client import CustomClient
from domain.files_commands import new_credentials
from gateway.downloads import byte_range
from gateway.problems import Problem
from workers import package

KEY = Ed25519PrivateKey.generate()


def custom_client(**changes: object) -> CustomClient:
    settings = {"name": "Desk", "platform": "macos", "direction": "both", "allow_install": True,
                "program_name": "Acme Support", "options": {"ad.ui.language": "fr"}, **changes}
    return CustomClient(account_id=uuid4(), custom_client_id=uuid4(), public=False, prefix="ad_acme",
                        release="9.0.4", generation=1, **settings, **new_credentials())


def test_the_same_settings_and_version_give_the_same_bytes():
    client = custom_client()

    assert package.build(client, "9.0.4", KEY) == package.build(client, "9.0.4", KEY)
    assert package.build(client, "9.0.4", KEY) != package.build(client, "9.0.5", KEY)


def test_the_signature_covers_every_file():
    archive = zipfile.ZipFile(io.BytesIO(package.build(custom_client(), "9.0.4", KEY)))
    sums, signature = archive.read("SHA256SUMS"), archive.read("SHA256SUMS.sig")

    KEY.public_key().verify(signature, sums)
    with pytest.raises(InvalidSignature):
        KEY.public_key().verify(signature, sums.replace(b"manifest.json", b"manifest.jsox"))
    assert {line.split()[1] for line in sums.decode().splitlines()} == {"manifest.json", "dmg/system.conf"}


def test_the_configuration_holds_the_binding_and_options():
    client = custom_client()
    config = zipfile.ZipFile(io.BytesIO(package.build(client, "9.0.4", KEY))).read("dmg/system.conf").decode()

    assert "ad.anynet.prefix=ad_acme\n" in config and "ad.ui.language=fr\n" in config


def test_a_name_windows_reserves_is_refused():
    with pytest.raises(package.PackageRefused, match="Windows reserves"):
        package.build(custom_client(platform="windows", program_name="aux"), "9.0.5", KEY)


@pytest.mark.parametrize(("header", "span"), [
    (None, None), ("bytes=0-9", (0, 9)), ("bytes=90-", (90, 99)), ("bytes=-5", (95, 99)),
    ("bytes=0-1000", (0, 99)), ("bytes=0-1,5-6", None), ("items=0-1", None), ("bytes=-", None), ("bytes=a-b", None),
])
def test_byte_ranges(header, span):
    assert byte_range(header, 100) == span


def test_a_range_past_the_end_is_unsatisfiable():
    with pytest.raises(Problem) as refused:
        byte_range("bytes=100-", 100)

    assert refused.value.status_code == 416
