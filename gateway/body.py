"""Request bodies: JSON only (415 for any other content type), decoded strictly into the route's struct.

Litestar would parse any body as JSON into plain values and then convert them laxly (0 becomes false, 0.5 a
time). Here the body is decoded once, strictly, into the handler's `data` type. A refusal is kept aside and
answered only after the credentials were checked (gateway/problems.py), so a caller without them still gets
401 whatever the body holds."""

from typing import Any

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException
from litestar.types import Empty

from domain.i18n import N_
from gateway.problems import REFUSED_BODY, Problem


def is_json(media_type: str) -> bool:
    kind, _, subtype = media_type.lower().partition("/")
    return kind == "application" and (subtype == "json" or subtype.endswith("+json"))


def field_error(error: msgspec.ValidationError) -> ValidationException:
    """msgspec's "message - at `$.field`" in the shape Litestar gives its own validation errors."""
    message, _, path = str(error).partition(" - at `$")
    key = path.removeprefix(".").removesuffix("`") or "data"  # "data": the body as a whole
    return ValidationException(detail="Validation failed", extra=[{"message": message, "key": key,
                                                                   "source": "body"}])


class JsonRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        body = await self.body()
        data = self.route_handler.parsed_data_field
        refusal: Exception
        if not is_json(self.content_type[0]):
            refusal = Problem(415, "unsupported-media-type", N_("Send the body as JSON, with "
                              "`Content-Type: application/json`"), field="Content-Type")
        else:
            try:
                return msgspec.json.decode(body, type=data.annotation if data else Any, strict=True,
                                           dec_hook=self.route_handler.default_deserializer)
            except msgspec.ValidationError as e:
                refusal = field_error(e)
            except msgspec.DecodeError:
                refusal = Problem(400, "malformed-body", N_("The request body is not valid JSON"))
            except RecursionError:  # msgspec skipping a value nested deeper than Python's recursion limit
                refusal = Problem(400, "malformed-body", N_("The request body is nested too deeply"))
        self.scope.setdefault("state", {})[REFUSED_BODY] = refusal
        return Empty  # the handler's `data` is then missing: the signature check raises, after the credentials
