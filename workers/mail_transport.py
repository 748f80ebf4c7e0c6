"""How the mailer hands an e-mail over: to an SMTP server (`PORTAL_SMTP_URL`) or, for developers, into a
folder of .eml files (`PORTAL_MAIL_DIR`) that any mail client opens.

    smtp://user:password@host:587      STARTTLS (required)
    smtps://user:password@host:465     TLS from the first byte
    smtp://host:25?tls=off             no TLS at all: a relay on the same host or network, or a test server
"""

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

DEFAULT_SENDER = "Portal <no-reply@portal.localhost>"
TIMEOUT = 30.0  # seconds for each SMTP exchange; a hung server is a temporary failure, not a hung mailer


class DeliveryFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Bounced(DeliveryFailed):
    """The server refused the recipient for good (5xx): the address goes on the suppression list."""


class TryLater(DeliveryFailed):
    """A temporary failure (4xx, no connection, our own configuration): send again later."""


class Transport(Protocol):
    where: str

    def send(self, message: EmailMessage) -> None: ...


def message(email_id: str, sender: str, to: str, subject: str, body: str,
            attachments: tuple[tuple[str, bytes], ...] = ()) -> EmailMessage:
    """`attachments`: (file name, PDF bytes) each."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    # The same id on every attempt: receivers that de-duplicate on Message-ID hide a rare second copy.
    msg["Message-ID"] = f"<{email_id}@portal>"
    msg.set_content(body)
    for filename, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return msg


class FolderTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = f"folder {folder}"
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        name = message["Message-ID"].strip("<>").split("@")[0]
        temporary = self.folder / f".{name}.eml.tmp"
        temporary.write_bytes(bytes(message))
        temporary.replace(self.folder / f"{name}.eml")  # a reader never sees half a file; a resend overwrites


class SmtpTransport:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise SystemExit("PORTAL_SMTP_URL must look like smtp://user:password@host:587 or smtps://…")
        self.implicit_tls = parts.scheme == "smtps"
        self.starttls = not self.implicit_tls and parse_qs(parts.query).get("tls") != ["off"]
        self.host = parts.hostname
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.where = f"SMTP server {self.host}:{self.port}"

    def _connect(self) -> smtplib.SMTP:
        if self.implicit_tls:
            return smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context())
        smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        if self.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            code, text = next(iter(refused.recipients.values()))
            raise failure(code, text) from None
        except smtplib.SMTPDataError as refused:  # some servers judge the recipient only after DATA
            raise failure(refused.smtp_code, refused.smtp_error) from None
        except (smtplib.SMTPException, OSError) as error:
            # Our sender, login or TLS was refused, or the server is away: never the recipient's fault.
            raise TryLater(f"{type(error).__name__}: {error}") from None


def failure(code: int, text: bytes | str) -> DeliveryFailed:
    reason = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
    return Bounced(reason) if 500 <= code < 600 else TryLater(reason)


def transport_from(env: Mapping[str, str]) -> Transport:
    if env.get("PORTAL_SMTP_URL"):
        return SmtpTransport(env["PORTAL_SMTP_URL"])
    if env.get("PORTAL_MAIL_DIR"):
        return FolderTransport(Path(env["PORTAL_MAIL_DIR"]))
    raise SystemExit("Set PORTAL_SMTP_URL to send e-mail, or PORTAL_MAIL_DIR to keep it in a folder")


def sender_from(env: Mapping[str, str] = os.environ) -> str:
    return env.get("PORTAL_MAIL_FROM") or DEFAULT_SENDER
