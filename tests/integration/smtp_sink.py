"""A tiny SMTP server for tests: accepts every message, or refuses chosen recipients with 550."""

import asyncio
import email
from email.message import Message


class SmtpSink:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.refused: set[str] = set()  # recipients answered with 550
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self.session, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server:
            self.server.close()
            await self.server.wait_closed()

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    async def session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        def reply(line: str) -> None:
            writer.write(line.encode() + b"\r\n")

        reply("220 sink ESMTP")
        while line := await reader.readline():
            verb, _, argument = line.decode().strip().partition(" ")
            verb = verb.upper()
            if verb == "RCPT":
                address = argument.split(":", 1)[1].strip().strip("<>").lower()
                reply("550 5.1.1 no such user" if address in self.refused else "250 ok")
            elif verb == "DATA":
                reply("354 end with <CRLF>.<CRLF>")
                await writer.drain()
                data = b""
                while (chunk := await reader.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.messages.append(email.message_from_bytes(data))
                reply("250 queued")
            elif verb == "QUIT":
                reply("221 bye")
                break
            else:  # EHLO, HELO, MAIL, RSET, NOOP
                reply("250 sink")
            await writer.drain()
        await writer.drain()
        writer.close()
