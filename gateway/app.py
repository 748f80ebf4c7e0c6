"""The Litestar application: one controller per portal area, problem+json errors, OpenAPI at /schema."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import asyncpg
from nats.aio.client import Client as NATS
from litestar import Controller, Litestar, Router
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from domain.application import Portal
from gateway.account import AccountController
from gateway.addresses import trusted_proxies
from gateway.audit import AuditController
from gateway.auth import AuthController
from gateway.events import EventsController
from gateway.admin import AdminController
from gateway.anydesk import ANYDESK, ApiPasswordController
from gateway.api_keys import ApiKeysController
from gateway.clients import ClientsController
from gateway.beats import Beats
from gateway.config import GatewayConfig
from gateway.consistency import Writes
from gateway.edge import edge
from gateway.credentials import KnownTokens
from gateway.customers import CustomersController
from gateway.dependencies import DEPENDENCIES
from gateway.dependency_order import resolve_dependencies_in_turn
from gateway.domains import DomainsController
from gateway.device import DeviceController
from gateway.body import JsonRequest
from gateway.email import EmailController
from gateway.files import FilesController, PublicDownloadController, ReleasesController
from gateway.headers import answer_headers
from gateway.fields import TYPE_DECODERS, EmailAddressSchema
from gateway.impersonation import ImpersonationController
from gateway.invoices import InvoiceAdminController, InvoicesController
from gateway.payments import PaymentsController
from gateway.health import HealthController, Metrics
from gateway.helpdesk_search import HelpDeskSearchController
from gateway.helpdesk import HelpDeskController
from gateway.license import LicenseController
from gateway.identity import current_caller
from gateway.passwords import PasswordController
from gateway.openapi import describe
from gateway.plans import PlansController
from gateway.problems import EXCEPTION_HANDLERS
from gateway.sessions import SessionsController
from gateway.settings import SettingsController
from gateway.support import SupportController, SupportDeskController
from gateway.usage import UsageController
from gateway.users import UsersController
from projections.positions import Advances

MAX_BODY_BYTES = 64 * 1024  # no portal form comes near this; larger bodies are refused with 413

log = logging.getLogger("portal.gateway")


ROUTE_HANDLERS: list[type[Controller] | Router] = [
    HealthController, AuthController, LicenseController, AccountController, ClientsController,
    SessionsController, DeviceController, SettingsController, AuditController, EventsController,
    EmailController, PasswordController, UsersController, ApiKeysController, AdminController,
    FilesController, PublicDownloadController, ReleasesController, ApiPasswordController, ANYDESK,
    CustomersController, PlansController, ImpersonationController, DomainsController, HelpDeskSearchController,
    SupportController, SupportDeskController, UsageController, HelpDeskController, InvoicesController,
    InvoiceAdminController, PaymentsController]

DESCRIPTION = ("Customer portal: licenses, accounts and their event history. Errors are RFC 9457 "
               "problem+json. Commands answer `X-Event-Position`; send it back as `X-Min-Position` "
               "to read your own writes (the gateway process that answered a command also makes its bearer's next "
               "queries wait for it). The AnyDesk-compatible REST API (v1) is mounted under `/anydesk`: "
               "point AnyDesk's clients at `<this server>/anydesk` with the license id of `GET /v1/license` "
               "and the password of `POST /v1/license/api-password`; its errors have AnyDesk's shape.")


def lifespan_of(settings: GatewayConfig, metrics: Metrics, writes: Writes, open_portal: Callable[[], Portal],
                connect_bus: Callable[[], Awaitable[NATS]]) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """What the application holds while it runs: the pool, the event store's application, the bus, and the
    projectors' notifications."""
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.metrics = metrics
        app.state.writes = writes
        app.state.pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=20)
        app.state.portal = open_portal()
        app.state.nats = await connect_bus()
        # Read-your-writes waits wake on the projectors' notifications (falling back to a short poll, which
        # also covers this connection being lost while PostgreSQL restarts).
        app.state.advances = Advances()
        listener = await asyncpg.connect(settings.database_url)
        await app.state.advances.listen(listener)
        app.state.tokens = KnownTokens()  # tokens checked, forgotten when PostgreSQL announces a change
        await app.state.tokens.listen(listener)
        app.state.beats = Beats(app.state.pool, settings.presence_timeout_seconds)
        await app.state.beats.listen(listener)
        app.state.beats.start()
        try:
            yield
        finally:
            await app.state.beats.stop()
            await listener.close()
            await app.state.nats.drain()
            await app.state.pool.close()
            app.state.portal.close()
    return lifespan


def create_app(settings: GatewayConfig, open_portal: Callable[[], Portal],
               connect_bus: Callable[[], Awaitable[NATS]]) -> Litestar:
    """The HTTP API. Whoever starts it hands over how to open the event store's application and the bus; the
    gateway itself starts nothing and knows nothing of the roles around it."""
    resolve_dependencies_in_turn()
    metrics = Metrics()
    writes = Writes()
    app = Litestar(
        route_handlers=ROUTE_HANDLERS,
        lifespan=[lifespan_of(settings, metrics, writes, open_portal, connect_bus)],
        dependencies={"token_caller": Provide(current_caller),  # resolved only where a guard asks for it
                      **DEPENDENCIES},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        request_class=JsonRequest,  # bodies: JSON only, decoded strictly
        type_decoders=TYPE_DECODERS,
        plugins=[EmailAddressSchema()],
        middleware=[edge(trusted_proxies(settings.trusted_proxies), metrics, writes)],
        before_send=[answer_headers],
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,  # every role logs JSON lines through workers/logs.py
        openapi_config=OpenAPIConfig(title="Portal", version="1.0.0", path="/schema", description=DESCRIPTION,
                                     render_plugins=[SwaggerRenderPlugin(path="/swagger"),
                                                     ScalarRenderPlugin(path="/")]),
    )
    describe(app)
    return app
