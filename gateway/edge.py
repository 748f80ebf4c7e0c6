"""What every routed request passes through, in one ASGI layer (each layer costs a coroutine and a wrapper of
`send` per request): who is on the other end (gateway/addresses.py), its request id, echoed in the answer
(gateway/tracing.py), reading the caller's own writes (gateway/consistency.py), and the metrics of its answer
(gateway/health.py)."""

import time
from collections.abc import Callable
from typing import Any

from gateway.addresses import Trusted, note_client
from gateway.consistency import Writes, bearer_digest
from gateway.health import Metrics
from gateway.identity import READS
from gateway.tracing import note_request_id


def edge(trusted: Trusted, metrics: Metrics, writes: Writes) -> Callable[[Any], Any]:
    def middleware(app: Any) -> Any:
        async def wrapped(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            note_client(scope, trusted)
            request_id = note_request_id(scope).encode()
            credential = bearer_digest(scope["headers"])
            command = credential is not None and scope["method"] not in READS
            if credential is not None and not command:
                writes.asked(scope, credential)
            status = 500

            async def answer(message: Any) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message.setdefault("headers", []).append((b"x-request-id", request_id))
                    if command:
                        writes.answered(credential, message)  # type: ignore[arg-type]
                await send(message)

            try:
                await app(scope, receive, answer)
            finally:
                metrics.observe(scope["method"], scope.get("path_template") or "unmatched", status,
                                time.perf_counter() - started)
        return wrapped
    return middleware
