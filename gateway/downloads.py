"""Serving a built package from the object store: Content-Length, ETag (its SHA-256), a file name from the
program name and platform, and single byte ranges (resumed downloads)."""

from typing import Any
from urllib.parse import quote

import asyncpg
from litestar import Request, Response
from nats.aio.client import Client as NATS

from gateway.problems import Problem
from projections.custom_clients import Found, Package, count_download
from domain.contract.base import PACKAGES
from domain.i18n import N_


def file_name(package: Package) -> str:
    return f"{package.program_name}-{package.platform}.zip"


def disposition(package: Package) -> str:
    """An ASCII name for old clients and the exact UTF-8 one (RFC 6266) for the rest."""
    plain = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in file_name(package))
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(file_name(package))}"


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte of one `bytes=` range; None answers the whole package (also for several ranges,
    which RFC 9110 lets a server ignore)."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    first, dash, last = header.removeprefix("bytes=").strip().partition("-")
    if not dash or not (first or last) or not all(part.isdigit() for part in (first, last) if part):
        return None  # not a range we understand: the whole package
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise Problem(416, "range-not-satisfiable", N_("The package has {size} bytes; ask for a range within them"),
                      field="Range", headers={"Content-Range": f"bytes */{size}"}, size=size)
    return start, end


async def serve(request: Request[Any, Any, Any], nats: NATS, pool: asyncpg.Pool, found: Found) -> Response[bytes]:
    known, package = found
    if not known:  # another account's, never public, made private, its link regenerated, or deleted
        raise Problem(404, "not-found", N_("No such custom client or download link"))
    if package is None:
        raise Problem(409, "not-built", N_("The package is not built yet; its status says when it is ready"),
                      headers={"Retry-After": "2"})
    data = (await (await nats.jetstream().object_store(PACKAGES)).get(package.object_name)).data or b""
    headers = {"ETag": f'"{package.sha256}"', "Accept-Ranges": "bytes", "Content-Disposition": disposition(package)}
    span = byte_range(request.headers.get("range"), len(data))
    if span is None or span[0] == 0:  # a resumed download is the same download
        await count_download(pool, package.account_id, package.custom_client_id)
    if span is None:
        return Response(data, media_type="application/zip", headers=headers)
    start, end = span
    return Response(data[start:end + 1], status_code=206, media_type="application/zip",
                    headers={**headers, "Content-Range": f"bytes {start}-{end}/{len(data)}"})
