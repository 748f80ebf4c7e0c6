"""The `portal` command: one sub-command per role. Every role reads PORTAL_DATABASE_URL and PORTAL_NATS_URL."""

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable, Coroutine
from typing import Any
from uuid import UUID

from workers import logs
from workers.config import Settings

ENVIRONMENT = """environment:
  PORTAL_DATABASE_URL    postgresql://user:password@host:port/db (event store and read models)
  PORTAL_NATS_URL        nats://host:port (JetStream enabled)
  PORTAL_LOG_LEVEL       DEBUG, INFO (default), WARNING
  PORTAL_LOG_FORMAT      json (default) or text; `portal dev` at a terminal asks its roles for text
  PORTAL_TOKEN_TTL_SECONDS            bearer token lifetime (default 604800)
  PORTAL_MIN_POSITION_WAIT_SECONDS    X-Min-Position wait before 503 (default 2)
  PORTAL_READY_MAX_LAG                /ready fails past this many events of projection lag (default 1000)
  PORTAL_PRESENCE_TIMEOUT_SECONDS     a client silent this long goes offline (default 30)
  PORTAL_TRUSTED_PROXIES              addresses or networks whose X-Forwarded-For/-Proto are believed (default 127.0.0.1)
  PORTAL_METRICS_TOKEN                /metrics answers only `Authorization: Bearer <token>` (unset: /metrics is off)
  PORTAL_PUBLIC_URL                   where users reach the portal, for links in e-mails
  PORTAL_SUPPORT_EMAIL                gateway: the help desk's address for support requests (support@portal.localhost)
  PORTAL_SMTP_URL        mailer: smtp://user:password@host:587 (STARTTLS), smtps://…:465, smtp://host:25?tls=off
  PORTAL_MAIL_DIR        mailer: without PORTAL_SMTP_URL, keep each e-mail as an .eml file in this folder
  PORTAL_MAIL_FROM       mailer: the sender (default "Portal <no-reply@portal.localhost>")
  PORTAL_SIGNING_KEY_FILE  builder, gateway: the Ed25519 key (PEM) packages are signed with
"""


def until_signalled(work: Callable[[asyncio.Event], Coroutine[Any, Any, None]]) -> None:
    """Run a worker until SIGINT/SIGTERM, then let it drain and return."""
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await work(stop)
    asyncio.run(main())


def run_migrate(_: argparse.Namespace) -> None:
    from workers.stream import prepare

    applied = asyncio.run(prepare(Settings.from_env()))
    print(f"applied {len(applied)} migration(s){': ' + ', '.join(applied) if applied else ''}")


def run_relay(_: argparse.Namespace) -> None:
    from workers import relay

    settings = Settings.from_env()
    until_signalled(lambda stop: relay.run(settings, stop))


def run_projector(args: argparse.Namespace) -> None:
    from workers import projector

    settings = Settings.from_env()
    until_signalled(lambda stop: projector.run(settings, stop, args.only))


def run_check(args: argparse.Namespace) -> None:
    from workers.check import lagging

    problems = asyncio.run(lagging(Settings.from_env(), args.role))
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


def run_verify(args: argparse.Namespace) -> None:
    from workers.check import verify_read_models

    differences = asyncio.run(verify_read_models(Settings.from_env(), args.projection))
    for line in differences:
        print(line)
    print(f"{len(differences)} difference(s)" if differences else "read models equal their rebuild")
    sys.exit(1 if differences else 0)


def run_events(_: argparse.Namespace) -> None:
    import json

    from domain.contract import json_schema

    try:
        print(json.dumps(json_schema(), indent=2), flush=True)
    except BrokenPipeError:  # `portal events schema | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit


def run_tail(args: argparse.Namespace) -> None:
    from workers import tail

    settings = Settings.from_env()
    until_signalled(lambda stop: tail.run(settings, stop, args.account, args.type, args.after))


def run_replay(args: argparse.Namespace) -> None:
    import msgspec

    from workers.audit import replay

    print(msgspec.json.format(msgspec.json.encode(replay(Settings.from_env(), args.account, args.as_of)).decode()))


def run_audit(args: argparse.Namespace) -> None:
    import msgspec

    from workers.audit import verify

    report = asyncio.run(verify(Settings.from_env(), args.account))
    print(msgspec.json.format(msgspec.json.encode(report).decode()))
    sys.exit(0 if report.intact else 1)


def run_rebuild(args: argparse.Namespace) -> None:
    from workers.check import rebuild_read_models

    if not args.projection and not args.all:
        raise SystemExit("name the read models to rebuild, or --all")
    asyncio.run(rebuild_read_models(Settings.from_env(), args.projection))


def run_timers(_: argparse.Namespace) -> None:
    from workers import timers

    settings = Settings.from_env()
    until_signalled(lambda stop: timers.run(settings, stop))


def run_mailer(_: argparse.Namespace) -> None:
    from workers import mailer

    settings = Settings.from_env()
    until_signalled(lambda stop: mailer.run(settings, stop))


def run_builder(_: argparse.Namespace) -> None:
    from workers import builder

    settings = Settings.from_env()
    until_signalled(lambda stop: builder.run(settings, stop))


def run_release(args: argparse.Namespace) -> None:
    from domain.actor import Actor, acting
    from domain.application import Portal
    from domain.errors import DomainError
    from workers.config import event_store_env

    portal = Portal(env=event_store_env(Settings.from_env().database_url))
    try:
        with acting(Actor(kind="system", name="portal release")):
            position = portal.release_software(args.platform, args.version)
    except DomainError as refused:
        raise SystemExit(f"--{refused.field}: {refused.detail}") from None
    finally:
        portal.close()
    print(f"{args.platform} is at {args.version} (position {position}); the builder rebuilds its custom clients")


def run_staff(args: argparse.Namespace) -> None:
    from domain.errors import InvalidValue
    from workers.staff import add_staff

    try:
        password, created = add_staff(Settings.from_env(), args.email, args.name, args.role, args.password)
    except InvalidValue as e:  # a control character in the name, or not an e-mail address
        raise SystemExit(e.detail) from None
    if not created:
        raise SystemExit(f"{args.email} already has a login")
    print(f"created {args.role} {args.email}" + ("" if args.password else f" with password {password}"))


def run_gateway(args: argparse.Namespace) -> None:
    import uvicorn

    from domain.application import Portal
    from gateway.app import create_app
    from workers.config import event_store_env
    from workers.stream import connect

    settings = Settings.from_env()
    app = create_app(settings, open_portal=lambda: Portal(env=event_store_env(settings.database_url)),
                     connect_bus=lambda: connect(settings.nats_url, "portal-gateway"))
    # Forwarded headers are read (validated, behind trusted proxies only) by gateway/addresses.py, not uvicorn;
    # no `server` header names what answers.
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False,
                timeout_graceful_shutdown=10, proxy_headers=False, server_header=False)


def run_dev(args: argparse.Namespace) -> None:
    from workers.dev import run

    run(args.data_dir, args.port)


def run_seed(args: argparse.Namespace) -> None:
    import msgspec

    from workers.seed import seed

    report = seed(Settings.from_env(), args.accounts, args.clients_per_account, args.sessions_per_client,
                  args.password, args.prefix)
    if args.json:
        print(msgspec.json.encode(report).decode())
        return
    print(f"seeded {len(report.accounts)} account(s), {report.sessions} session(s): {report.events} events in "
          f"{report.seconds:.1f}s ({report.events / max(report.seconds, 1e-6):,.0f} events/s)")
    for account in report.accounts[:5]:
        print(f"  {account.email} / {report.password}  ({account.account_id})")


Role = Callable[[str, str, Callable[[argparse.Namespace], None]], argparse.ArgumentParser]


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="portal", description="Portal: an event-sourced, multi-tenant customer portal.",
        epilog=ENVIRONMENT, formatter_class=argparse.RawDescriptionHelpFormatter)
    roles = top.add_subparsers(dest="role", required=True, metavar="ROLE")

    def role(name: str, help_: str, fn: Callable[[argparse.Namespace], None]) -> argparse.ArgumentParser:
        p = roles.add_parser(name, help=help_, description=help_,
                             epilog="environment: see `portal --help`")
        p.set_defaults(fn=fn)
        return p

    add_service_roles(role)
    add_operator_roles(role)
    add_history_roles(role)
    add_seed_role(role)
    return top


def add_service_roles(role: Role) -> None:
    """The long-running roles production runs, one process each (and `dev`, which runs them all)."""
    dev = role("dev", "everything on embedded PostgreSQL and NATS (no setup needed)", run_dev)
    dev.add_argument("--data-dir", default=".portal", help="where both servers keep their data (default .portal)")
    dev.add_argument("--port", type=int, default=8000, help="gateway HTTP port (default 8000)")
    gw = role("gateway", "the HTTP API (Litestar)", run_gateway)
    gw.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    gw.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    role("relay", "publish the event store's notification log to NATS JetStream, in order", run_relay)
    proj = role("projector", "apply events from JetStream to the read-model tables, exactly once", run_projector)
    proj.add_argument("--only", nargs="+", metavar="NAME", help="project only these read models")
    role("timers", "turn time into commands: offline clients, overdue sessions, expired or renewed licenses, payments", run_timers)
    role("mailer", "send queued e-mails through SMTP (or into a folder), once each; skip suppressed addresses",
         run_mailer)
    role("builder", "build, sign and store custom-client packages as their build requests arrive", run_builder)


def add_operator_roles(role: Role) -> None:
    """One-off commands of the platform's operators: releases, staff, migrations, checks, rebuilds."""
    release = role("release", "publish a new software version for a platform; its custom clients are rebuilt",
                   run_release)
    release.add_argument("--platform", required=True, help="e.g. windows, windows-msi, macos, linux-deb")
    release.add_argument("--version", required=True, help="newer than the current one, e.g. 9.0.6")
    staff = role("staff", "add a platform staff login (administrator, reseller, help desk, auditor)", run_staff)
    staff.add_argument("action", choices=["add"], help="add: create the login")
    staff.add_argument("--email", required=True, help="the login's e-mail address")
    staff.add_argument("--name", required=True, help="the person's name, as customers' audit trails show it")
    staff.add_argument("--role", required=True, choices=["administrator", "reseller", "help desk", "auditor"],
                       help="what the login may do (quote 'help desk')")
    staff.add_argument("--password", help="default: a generated one, printed once")
    role("migrate", "create the event store, the read-model schema and the JetStream stream", run_migrate)
    check = role("check", "health check for a worker: exit 1 when it lags the event store too far", run_check)
    check.add_argument("role", choices=["relay", "projector"], help="the worker to check")
    verify = role("verify", "rebuild read models from the event store into scratch tables and compare "
                            "them row by row with the live ones", run_verify)
    verify.add_argument("projection", nargs="*", help="read models to verify (default: all)")
    rebuild = role("rebuild", "build read models afresh from the event store and swap them in atomically",
                   run_rebuild)
    rebuild.add_argument("projection", nargs="*", help="read models to rebuild")
    rebuild.add_argument("--all", action="store_true", help="rebuild every read model")


def add_history_roles(role: Role) -> None:
    """Reading the events: their contract, the live stream, an account's replayed state and audit chain."""
    role("events", "print the public event contract as JSON Schema", run_events).add_argument(
        "what", choices=["schema"], help="schema: every event type with its version and NATS subject")
    tail = role("tail", "follow the live event stream on NATS and print each event", run_tail)
    tail.add_argument("--account", type=UUID, help="only this account's events")
    tail.add_argument("--type", help="only this event type, e.g. LicenseUpgraded")
    tail.add_argument("--after", type=int, metavar="POSITION", help="start after this position (default: new only)")
    replay = role("replay", "rebuild an account's state as of a time or position from the event store", run_replay)
    replay.add_argument("--account", type=UUID, required=True, help="the account's id")
    replay.add_argument("--as-of", metavar="T", help="a position or an ISO 8601 time with zone (default: now)")
    audit = role("audit", "recompute an account's audit hash chain from the event store", run_audit)
    audit.add_argument("what", choices=["verify"], help="verify: recompute the chain and report the first break")
    audit.add_argument("--account", type=UUID, required=True, help="the account's id")


def add_seed_role(role: Role) -> None:
    seed = role("seed", "fill a running instance with accounts, clients and past sessions (through its commands)",
                run_seed)
    seed.add_argument("--accounts", type=int, required=True, metavar="N", help="accounts to open (Enterprise tier)")
    seed.add_argument("--clients-per-account", type=int, required=True, metavar="M",
                      help="linked clients per account")
    seed.add_argument("--sessions-per-client", type=int, required=True, metavar="K",
                      help="past sessions each client started")
    seed.add_argument("--password", help="every seeded login's password (default: Seeded-Harbour-42)")
    seed.add_argument("--prefix", help="e-mails read PREFIX-<n>@seed.portal.test (default: random)")
    seed.add_argument("--json", action="store_true", help="print every seeded account as JSON")


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    logs.configure(os.environ.get("PORTAL_LOG_LEVEL", "INFO"), args.role)
    args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
