"""Time-based one-time passwords (RFC 6238, the codes of authenticator apps), with the standard library only."""

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
WINDOW = 1  # accept the previous and next code too: phone clocks drift


def new_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def code_at(secret: str, step: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10 ** DIGITS).zfill(DIGITS)


def current_step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code this is, if it is one of the current window's."""
    step = current_step(now)
    given = code.encode()  # compare_digest refuses non-ASCII str: any other code is just wrong
    return next((s for s in range(step - WINDOW, step + WINDOW + 1)
                 if hmac.compare_digest(code_at(secret, s).encode(), given)), None)


def provisioning_uri(secret: str, email: str) -> str:
    """What an authenticator app scans (as a QR code) to add the account."""
    return f"otpauth://totp/Portal:{quote(email)}?secret={secret}&issuer=Portal&digits={DIGITS}&period={STEP_SECONDS}"
