"""`portal dev`: embedded PostgreSQL and NATS, then relay, projector, timers, mailer, builder and gateway, each its
own process.

A role that dies is restarted (as a supervisor would); Ctrl-C or SIGTERM stops the roles first, then the
servers, and leaves no process behind. Data stays in the data folder across restarts.
"""

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any
from uuid import UUID

from domain.actor import Actor, acting
from domain.application import Portal
from domain.seeding import import_clients, import_sessions
from domain.store import now
from workers.config import Settings, event_store_env
from workers.seed import new_client_ids, past_sessions
from gateway.signing import create_signing_key
from gateway.sealing import new_key
from workers.staff import add_staff
from workers.shredding import new_master_key
from workers.embedded import EmbeddedNats, EmbeddedPostgres, free_port, stop_process

ROLES = ("relay", "projector", "timers", "mailer", "builder", "gateway")
DEMO_EMAIL = "demo@portal.test"
DEMO_PASSWORD = "Sunflower-Harbour-42"
ADMIN_EMAIL = "admin@portal.test"


DEMO_CLIENTS = (("9.0.4", "windows", "Reception desk"), ("9.0.4", "macos", "Design studio"),
                ("8.0.9", "linux", "Build server"))


class Console:
    """The roles' log lines on our stderr, held back until the banner is out, so the banner comes first."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held: list[str] | None = []

    def follow(self, stream: IO[str]) -> None:
        threading.Thread(target=lambda: [self.write(line) for line in stream], daemon=True).start()

    def write(self, line: str) -> None:
        with self.lock:
            if self.held is not None:
                self.held.append(line)
            else:
                sys.stderr.write(line)
                sys.stderr.flush()

    def release(self) -> None:
        with self.lock:
            held, self.held = self.held or [], None
            sys.stderr.writelines(held)
            sys.stderr.flush()


def spawn(role: str, env: dict[str, str], port: int, console: Console) -> subprocess.Popen[str]:
    extra = ["--port", str(port)] if role == "gateway" else []
    child = subprocess.Popen([sys.executable, "-m", "workers.cli", role, *extra], env=env,
                             stderr=subprocess.PIPE, text=True)
    console.follow(child.stderr)  # type: ignore[arg-type]
    return child


def wait_until_ready(base: str, process: subprocess.Popen[Any], timeout: float = 60) -> None:
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


def ensure_demo_account(base: str, settings: Settings) -> str:
    """Sign the demo customer up through the API, then give it a few clients and past sessions, so a new user
    sees a filled portal at once."""
    body = json.dumps({"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "name": "Demo Customer"}).encode()
    request = urllib.request.Request(f"{base}/v1/signup", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            signed_up = json.load(answer)
    except urllib.error.HTTPError as exc:
        if exc.code == 409:
            return "exists"
        raise
    position = fill_demo_account(settings, UUID(signed_up["account_id"]))
    wait_for_sessions_view(base, signed_up["token"], position)
    return f"created, with {len(DEMO_CLIENTS)} clients and their past sessions"


def wait_for_sessions_view(base: str, token: str, position: int, timeout: float = 60) -> None:
    """Print the banner only once the Sessions tab shows the demo's history (the last of it to be recorded)."""
    request = urllib.request.Request(f"{base}/v1/sessions?limit=1", headers={
        "Authorization": f"Bearer {token}", "X-Min-Position": str(position)})
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10):
                return
        except urllib.error.HTTPError as exc:  # 503 while the view catches up (each wait is bounded)
            if exc.code != 503 or time.monotonic() > deadline:
                raise


def fill_demo_account(settings: Settings, account_id: UUID) -> int:
    """Three clients and their past sessions, through the same aggregate methods the seed uses; answers the
    position of the last event."""
    portal = Portal(env=event_store_env(settings.database_url))
    try:
        client_ids = new_client_ids(len(DEMO_CLIENTS))
        with acting(Actor(kind="system", name="portal dev")):
            for client_id, (version, platform, comment) in zip(client_ids, DEMO_CLIENTS):
                list(import_clients(portal, account_id, [client_id], version, platform))
                portal.comment_client(account_id, client_id, comment)
            list(import_sessions(portal, account_id, past_sessions(client_ids, 3, random.Random(7), now())))
        return portal.current_position()
    finally:
        portal.close()


def mail_destination(env: dict[str, str]) -> str:
    if env.get("PORTAL_SMTP_URL"):
        return "sent through PORTAL_SMTP_URL"  # never print its password
    return f"{env['PORTAL_MAIL_DIR']}   (one .eml file per e-mail sent)"


def secrets_key(folder: Path) -> str:
    """The data folder's own key for sealed secrets: made once, so they open again after a restart."""
    path = folder / "secrets.key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(new_key())
    return path.read_text().strip()


def master_key_file(folder: Path) -> Path:
    """The master key of this data folder's accounts, made once and kept with the data (owner-only)."""
    path = folder / "master.key"
    if not path.exists():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as file:
            file.write(new_master_key())
    return path


def role_environment(folder: Path, postgres: EmbeddedPostgres, nats: EmbeddedNats, port: int) -> dict[str, str]:
    """The environment every role runs with: the embedded servers, and keys and mail kept in the data folder."""
    env = {**os.environ, "PORTAL_DATABASE_URL": postgres.url, "PORTAL_NATS_URL": nats.url,
           "PORTAL_PUBLIC_URL": os.environ.get("PORTAL_PUBLIC_URL", f"http://127.0.0.1:{port}"),
           "PORTAL_SECRETS_KEY": os.environ.get("PORTAL_SECRETS_KEY") or secrets_key(folder)}
    if sys.stderr.isatty():  # a person reads these lines; a log collector gets JSON
        env.setdefault("PORTAL_LOG_FORMAT", "text")
    if not env.get("PORTAL_SIGNING_KEY_FILE"):  # packages are signed with a key kept in the data folder
        env["PORTAL_SIGNING_KEY_FILE"] = str(folder / "signing-key.pem")
        create_signing_key(folder / "signing-key.pem")
    if not env.get("PORTAL_SMTP_URL"):  # e-mail stays on this machine, where a developer can read it
        env.setdefault("PORTAL_MAIL_DIR", str(folder / "mail"))
    return env


def print_welcome(folder: Path, base: str, postgres: EmbeddedPostgres, nats: EmbeddedNats, env: dict[str, str],
                  demo: str, admin_created: bool) -> None:
    print(f"""
Portal is running (data in {folder})
  gateway     {base}
  API docs    {base}/schema/swagger   (OpenAPI JSON: {base}/schema/openapi.json)
  AnyDesk API {base}/anydesk   (the AnyDesk-compatible REST API: see the README)
  PostgreSQL  {postgres.url}
  NATS        {nats.url}   (events on portal.evt.>, stream PORTAL_EVENTS)
  e-mail      {mail_destination(env)}
  demo login  {DEMO_EMAIL} / {DEMO_PASSWORD}  ({demo})
  admin login {ADMIN_EMAIL} / {DEMO_PASSWORD}  ({"created" if admin_created else "exists"}; platform administrator)
Press Ctrl-C to stop. The roles' log lines follow.
""", flush=True)


def supervise(children: dict[str, subprocess.Popen[str]], env: dict[str, str], port: int, console: Console,
              stopping: threading.Event) -> None:
    """Restart any role that exits, until asked to stop."""
    while not stopping.is_set():
        for role, child in children.items():
            if child.poll() is not None and not stopping.is_set():
                console.write(f"{role} exited with {child.returncode}; restarting it\n")
                children[role] = spawn(role, env, port, console)
        time.sleep(0.2)


def run(data_dir: str, port: int) -> None:
    folder = Path(data_dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("PORTAL_MASTER_KEY"):  # every role (and this process) reads it from the environment
        os.environ.setdefault("PORTAL_MASTER_KEY_FILE", str(master_key_file(folder)))
    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda _signum, _frame: stopping.set())
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())

    postgres = EmbeddedPostgres(folder, free_port())
    nats = EmbeddedNats(folder, free_port())
    children: dict[str, subprocess.Popen[str]] = {}
    console = Console()
    try:
        postgres.start()
        nats.start()
        env = role_environment(folder, postgres, nats, port)
        migrated = subprocess.run([sys.executable, "-m", "workers.cli", "migrate"], env=env, check=True,
                                  capture_output=True, text=True)
        console.write(migrated.stderr + migrated.stdout)
        children = {role: spawn(role, env, port, console) for role in ROLES}
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(base, children["gateway"])
        settings = Settings(database_url=postgres.url, nats_url=nats.url)
        demo = ensure_demo_account(base, settings)
        _, admin = add_staff(settings, ADMIN_EMAIL, "Demo Administrator", "administrator", DEMO_PASSWORD)
        print_welcome(folder, base, postgres, nats, env, demo, admin)
        console.release()
        supervise(children, env, port, console, stopping)
    finally:
        console.release()  # a start that failed shows why
        for child in children.values():
            stop_process(child, signal.SIGTERM)
        nats.stop()
        postgres.stop()
        print("Portal stopped.", flush=True)
