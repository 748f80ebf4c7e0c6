"""Log lines: JSON for collectors, readable text for a person at `portal dev`; both name the role."""

import io
import json
import logging

import pytest

from workers import logs


def logged(monkeypatch: pytest.MonkeyPatch, form: str | None) -> str:
    if form:
        monkeypatch.setenv("PORTAL_LOG_FORMAT", form)
    else:
        monkeypatch.delenv("PORTAL_LOG_FORMAT", raising=False)
    out = io.StringIO()
    monkeypatch.setattr(logs.sys, "stderr", out)
    logs.configure("INFO", "projector")
    logging.getLogger("portal.test").info("projecting", extra={"projection": "clients"})
    return out.getvalue()


def test_roles_log_json_lines_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = json.loads(logged(monkeypatch, None))

    assert (entry["role"], entry["level"], entry["msg"], entry["projection"]) == ("projector", "info", "projecting",
                                                                                 "clients")


def test_text_lines_show_time_role_level_message_and_key_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    line = logged(monkeypatch, "text").rstrip("\n")

    assert line[8:] == " projector INFO    projecting  projection=clients"
    assert line[2] == line[5] == ":"


def test_an_unknown_log_format_is_refused_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit, match="PORTAL_LOG_FORMAT"):
        logged(monkeypatch, "yaml")
