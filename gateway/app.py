"""The Litestar application: one controller per portal area, problem+json errors, OpenAPI at /schema."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin

from domain.application import Portal
from gateway.account import AccountController
from gateway.audit import AuditController
from gateway.auth import AuthController
from gateway.events import EventsController
from gateway.admin import AdminController
from gateway.api_keys import ApiKeysController
from gateway.clients import ClientsController
from gateway.customers import CustomersController
from gateway.dependencies import DEPENDENCIES
from gateway.device import DeviceController
from gateway.email import EmailController
from gateway.impersonation import ImpersonationController
from gateway.health import HealthController, Metrics, observed
from gateway.license import LicenseController
from gateway.identity import current_caller
from gateway.passwords import PasswordController
from gateway.plans import PlansController
from gateway.problems import EXCEPTION_HANDLERS
from gateway.sessions import SessionsController
from gateway.settings import SettingsController
from gateway.users import UsersController
from gateway.tracing import request_ids
from projections.positions import Advances
from workers.config import Settings, event_store_env
from workers.stream import connect

MAX_BODY_BYTES = 64 * 1024  # no portal form comes near this; larger bodies are refused with 413

log = logging.getLogger("portal.gateway")


def create_app(settings: Settings) -> Litestar:
    metrics = Metrics()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.metrics = metrics
        app.state.pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=20)
        app.state.portal = Portal(env=event_store_env(settings.database_url))
        app.state.nats = await connect(settings.nats_url, "portal-gateway")
        # Read-your-writes waits wake on the projectors' notifications (falling back to a short poll, which
        # also covers this connection being lost while PostgreSQL restarts).
        app.state.advances = Advances()
        listener = await asyncpg.connect(settings.database_url)
        await app.state.advances.listen(listener)
        try:
            yield
        finally:
            await listener.close()
            await app.state.nats.drain()
            await app.state.pool.close()
            app.state.portal.close()

    return Litestar(
        route_handlers=[HealthController, AuthController, LicenseController, AccountController,
                        ClientsController, SessionsController, DeviceController, SettingsController,
                        AuditController, EventsController, EmailController, PasswordController,
                        UsersController, ApiKeysController, AdminController, CustomersController, PlansController,
                        ImpersonationController],
        lifespan=[lifespan],
        dependencies={"token_caller": Provide(current_caller),  # resolved only where a guard asks for it
                      **DEPENDENCIES},
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        middleware=[request_ids, observed(metrics)],
        request_max_body_size=MAX_BODY_BYTES,
        logging_config=None,  # every role logs JSON lines through workers/logs.py
        openapi_config=OpenAPIConfig(
            title="Portal", version="1.0.0", path="/schema",
            description="Customer portal: licenses, accounts and their event history. Errors are RFC 9457 "
                        "problem+json. Commands answer `X-Event-Position`; send it back as `X-Min-Position` "
                        "to read your own writes.",
            render_plugins=[SwaggerRenderPlugin(path="/swagger"), ScalarRenderPlugin(path="/")]),
    )
