"""What the fault tests play: a supervisor that restarts dead roles, and a steady stream of device and user
commands through the gateway that records every answer."""

import asyncio
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support import Roles

PEER = "2000000002"  # the outside client every session connects to


class Supervisor:
    """Restarts any role that died, as `portal dev` or a container runtime would; counts the restarts."""

    def __init__(self, roles: Roles, port: int) -> None:
        self.roles, self.port = roles, port
        self.running: dict[str, Any] = {}
        self.restarts: dict[str, int] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self, role: str) -> None:
        extra = ("--port", str(self.port)) if role == "gateway" else ()
        self.running[role] = self.roles.start(role, *extra)

    def kill(self, role: str) -> None:
        self.roles.kill(self.running[role])

    async def watch(self) -> None:
        while True:
            for role, process in list(self.running.items()):
                if process.poll() is not None:
                    self.restarts[role] = self.restarts.get(role, 0) + 1
                    self.start(role)
            await asyncio.sleep(0.2)  # also a back-off for roles that crash while a server is down

    def __enter__(self) -> "Supervisor":
        self._task = asyncio.create_task(self.watch())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        self.roles.stop_all()


@dataclass
class Answer:
    kind: str
    account: str
    status: int  # 0: no answer (connection refused or reset)
    content_type: str
    position: int | None
    sent_at: float
    answered_at: float
    subject: dict[str, str]  # what the command was about: client id, session id, comment


@dataclass
class Device:
    account_id: str
    token: str
    license_key: str
    unfinished: list[str] = field(default_factory=list)  # sessions whose end was not acknowledged yet


class CommandStream:
    """Each account's device registers a client, starts a session, the user comments it, the device ends
    it; an end that was not acknowledged is retried first (ending is idempotent), as devices do."""

    def __init__(self, http: httpx.AsyncClient, devices: list[Device], pause: float) -> None:
        self.http, self.devices, self.pause = http, devices, pause
        self.answers: list[Answer] = []
        self.stopping = False

    def acked(self) -> list[Answer]:
        return [a for a in self.answers if 200 <= a.status < 300]

    async def send(self, device: Device, kind: str, method: str, path: str, body: Any = None,
                   **subject: str) -> Answer:
        headers = {"X-License-Key": device.license_key, "Authorization": f"Bearer {device.token}"}
        sent = time.monotonic()
        try:
            r = await self.http.request(method, path, json=body, headers=headers)
            status, content_type = r.status_code, r.headers.get("content-type", "")
            position = int(r.headers["X-Event-Position"]) if "X-Event-Position" in r.headers else None
            if kind == "start session" and status == 201:
                subject["session_id"] = r.json()["session_id"]
        except httpx.TransportError:
            status, content_type, position = 0, "", None
        answer = Answer(kind=kind, account=device.account_id, status=status, content_type=content_type,
                        position=position, sent_at=sent, answered_at=time.monotonic(), subject=subject)
        self.answers.append(answer)
        await asyncio.sleep(self.pause)  # pacing: a steady stream of commands, not a flood (no condition to wait on)
        return answer

    async def run_one(self, device: Device) -> None:
        while not self.stopping:
            for session_id in list(device.unfinished):
                if 200 <= (await self.send(device, "end session", "POST", f"/v1/device/sessions/{session_id}/end",
                                           session_id=session_id)).status < 300:
                    device.unfinished.remove(session_id)
            client_id = str(1_000_000_000 + secrets.randbelow(999_999_999))
            registered = await self.send(device, "register client", "POST", "/v1/device/register",
                                         {"client_id": client_id, "version": "9.0.1", "platform": "linux"},
                                         client_id=client_id)
            if registered.status != 200:
                continue
            started = await self.send(device, "start session", "POST", "/v1/device/sessions",
                                      {"from_client_id": client_id, "to_client_id": PEER})
            if started.status != 201:
                continue
            session_id = started.subject["session_id"]
            device.unfinished.append(session_id)
            comment = f"ticket {secrets.token_hex(4)}"
            await self.send(device, "comment session", "PATCH", f"/v1/sessions/{session_id}", {"comment": comment},
                            session_id=session_id, comment=comment)

    async def until_acked(self, more: int, timeout: float = 60) -> None:
        """Wait until `more` further commands have been acknowledged (the stream is making progress)."""
        target, deadline = len(self.acked()) + more, time.monotonic() + timeout
        while len(self.acked()) < target:
            if time.monotonic() > deadline:
                raise AssertionError(f"no progress: {len(self.acked())} of {target} commands acknowledged")
            await asyncio.sleep(0.05)  # polling until the deadline above
