"""`portal dev` as a new user runs it: the banner first, a demo customer with clients and sessions, a clean stop."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support import ROOT
from workers.dev import DEMO_CLIENTS, DEMO_EMAIL, DEMO_PASSWORD
from workers.embedded import free_port

pytestmark = pytest.mark.slow


def test_dev_prints_its_banner_first_fills_the_demo_account_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    dev = subprocess.Popen([sys.executable, "-m", "workers.cli", "dev", "--data-dir", str(tmp_path), "--port",
                            str(port)], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in dev.stdout:  # type: ignore[union-attr]
            lines.append(line)
            if line.startswith("Press Ctrl-C"):
                break
        assert [line for line in lines if line.strip()][0].startswith("Portal is running"), "".join(lines)
        assert "(created, with 3 clients" in "".join(lines)

        base = f"http://127.0.0.1:{port}"
        login = httpx.post(f"{base}/v1/auth/login", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD})
        bearer = {"authorization": f"Bearer {login.json()['token']}"}
        clients = httpx.get(f"{base}/v1/clients", headers=bearer).json()["items"]
        sessions = httpx.get(f"{base}/v1/sessions", headers=bearer).json()["items"]
        assert len(clients) == len(DEMO_CLIENTS) and len(sessions) == 3 * len(DEMO_CLIENTS)
    finally:
        dev.send_signal(signal.SIGTERM)
        rest = dev.communicate(timeout=60)[0]
    assert dev.returncode == 0 and rest.rstrip().endswith("Portal stopped.")
