"""A custom client's package: a reproducible zip (fixed timestamps, fixed order, so the same settings and
version give byte-identical bytes) holding the manifest of every setting with the account binding, the
client's configuration, the SHA-256 of each file (SHA256SUMS) and an Ed25519 signature of SHA256SUMS.

Verify a download: check `SHA256SUMS.sig` over `SHA256SUMS` with the key from GET /v1/files/signing-key, then
each file's digest against SHA256SUMS.
"""

import hashlib
import io
import zipfile
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.catalog import PLATFORMS
from domain.custom_client import CustomClient

EPOCH = (1980, 1, 1, 0, 0, 0)  # the zip format's earliest date: no build time leaks into the bytes
RESERVED_ON_WINDOWS = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                       *(f"LPT{i}" for i in range(1, 10))}


class PackageRefused(Exception):
    """The settings cannot be packaged for the platform; the message is for the customer."""


def manifest(client: CustomClient, version: str) -> dict[str, Any]:
    return {"format": 1, "custom_client_id": str(client.id), "name": client.name, "platform": client.platform,
            "version": version, "direction": client.direction, "allow_install": client.allow_install,
            "program_name": client.program_name, "options": client.options,
            "binding": {"account_id": str(client.account_id), "prefix": client.prefix,
                        "enrollment_secret": client.enrollment_secret,
                        "register": "POST /v1/device/register with X-Enrollment-Secret"}}


def configuration(client: CustomClient) -> bytes:
    """The client's own settings file, in the remote-desktop software's key=value form."""
    lines = {"ad.anynet.prefix": client.prefix, "ad.security.direction": client.direction,
             "ad.install.allowed": str(client.allow_install).lower(), "ad.ui.program_name": client.program_name,
             **{k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in client.options.items()}}
    return "".join(f"{k}={v}\n" for k, v in sorted(lines.items())).encode()


def check_packageable(client: CustomClient) -> None:
    stem = client.program_name.strip().split(".")[0].upper()
    if client.platform.startswith("windows") and stem in RESERVED_ON_WINDOWS:
        raise PackageRefused(f"Windows reserves the name {client.program_name!r} for a device; choose another "
                             "program name")


def build(client: CustomClient, version: str, key: Ed25519PrivateKey) -> bytes:
    check_packageable(client)
    files = {"manifest.json": msgspec.json.format(msgspec.json.encode(manifest(client, version)), indent=2),
             f"{PLATFORMS[client.platform].installer}/system.conf": configuration(client)}
    sums = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()
    files["SHA256SUMS"] = sums
    files["SHA256SUMS.sig"] = key.sign(sums)  # Ed25519 is deterministic: the same bytes every time
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()
