"""`portal dev`: embedded PostgreSQL and NATS, then relay, projector, timers, mailer and gateway, each its own
process.

A role that dies is restarted (as a supervisor would); Ctrl-C or SIGTERM stops the roles first, then the
servers, and leaves no process behind. Data stays in the data folder across restarts.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from workers.config import Settings
from workers.staff import add_staff
from workers.shredding import new_master_key
from workers.embedded import EmbeddedNats, EmbeddedPostgres, free_port, stop_process

ROLES = ("relay", "projector", "timers", "mailer", "gateway")
DEMO_EMAIL = "demo@portal.test"
DEMO_PASSWORD = "Sunflower-Harbour-42"
ADMIN_EMAIL = "admin@portal.test"


def spawn(role: str, env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    extra = ["--port", str(port)] if role == "gateway" else []
    return subprocess.Popen([sys.executable, "-m", "workers.cli", role, *extra], env=env)


def wait_until_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the gateway exited during start-up; see the log above")
        try:
            with urllib.request.urlopen(f"{base}/health", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the gateway did not answer /health in time")


def ensure_demo_account(base: str) -> str:
    body = json.dumps({"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "name": "Demo Customer"}).encode()
    request = urllib.request.Request(f"{base}/v1/signup", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10):
            return "created"
    except urllib.error.HTTPError as exc:
        if exc.code == 409:
            return "exists"
        raise


def mail_destination(env: dict[str, str]) -> str:
    if env.get("PORTAL_SMTP_URL"):
        return "sent through PORTAL_SMTP_URL"  # never print its password
    return f"{env['PORTAL_MAIL_DIR']}   (one .eml file per e-mail sent)"


def master_key_file(folder: Path) -> Path:
    """The master key of this data folder's accounts, made once and kept with the data (owner-only)."""
    path = folder / "master.key"
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(new_master_key())
    return path


def run(data_dir: str, port: int) -> None:
    folder = Path(data_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("PORTAL_MASTER_KEY"):  # every role (and this process) reads it from the environment
        os.environ.setdefault("PORTAL_MASTER_KEY_FILE", str(master_key_file(folder)))
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    postgres = EmbeddedPostgres(folder, free_port())
    nats = EmbeddedNats(folder, free_port())
    children: dict[str, subprocess.Popen[bytes]] = {}
    try:
        postgres.start()
        nats.start()
        env = {**os.environ, "PORTAL_DATABASE_URL": postgres.url, "PORTAL_NATS_URL": nats.url,
               "PORTAL_PUBLIC_URL": os.environ.get("PORTAL_PUBLIC_URL", f"http://127.0.0.1:{port}")}
        if not env.get("PORTAL_SMTP_URL"):  # e-mail stays on this machine, where a developer can read it
            env.setdefault("PORTAL_MAIL_DIR", str(folder / "mail"))
        subprocess.run([sys.executable, "-m", "workers.cli", "migrate"], env=env, check=True)
        children = {role: spawn(role, env, port) for role in ROLES}
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, children["gateway"])
        demo = ensure_demo_account(base)
        _, admin = add_staff(Settings(database_url=postgres.url, nats_url=nats.url), ADMIN_EMAIL,
                             "Demo Administrator", "administrator", DEMO_PASSWORD)
        print(f"""
Portal is running (data in {folder})
  gateway     {base}
  API docs    {base}/schema/swagger   (OpenAPI JSON: {base}/schema/openapi.json)
  PostgreSQL  {postgres.url}
  NATS        {nats.url}   (events on portal.evt.>, stream PORTAL_EVENTS)
  e-mail      {mail_destination(env)}
  demo login  {DEMO_EMAIL} / {DEMO_PASSWORD}  ({demo})
  admin login {ADMIN_EMAIL} / {DEMO_PASSWORD}  ({"created" if admin else "exists"}; platform administrator)
Press Ctrl-C to stop.
""", flush=True)
        while not stopping:
            for role, child in children.items():
                if child.poll() is not None and not stopping:
                    print(f"{role} exited with {child.returncode}; restarting it", file=sys.stderr, flush=True)
                    children[role] = spawn(role, env, port)
            time.sleep(0.2)
    finally:
        for child in children.values():
            stop_process(child, signal.SIGTERM)
        nats.stop()
        postgres.stop()
        print("Portal stopped.", flush=True)
