"""The service's Ed25519 signing key: the gateway serves its public half (GET /v1/files/signing-key) so anyone
can verify a download; the builder (workers/builder.py) signs every package with it."""

import base64
import functools
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def create_signing_key(path: Path) -> None:
    """A new key as PKCS#8 PEM, readable by its owner only; an existing file is kept."""
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as file:
        file.write(pem)


def load_signing_key(path: str) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SystemExit(f"{path} holds no Ed25519 private key")
    return key


@functools.cache
def public_key_text(path: str) -> str:
    """The raw 32-byte public key, base64: what `Ed25519PublicKey.from_public_bytes` takes back."""
    public = load_signing_key(path).public_key()
    return base64.b64encode(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()
