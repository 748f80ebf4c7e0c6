"""The AnyDesk-compatible REST API (v1), mounted under /anydesk: scripts and clients written for AnyDesk's API
work against Portal by changing only their base URL. Every request is signed (guard.py); reads come from
Portal's read models, writes go through its commands; errors have AnyDesk's shape (errors.py)."""

from litestar import Router
from litestar.di import Provide

from gateway.anydesk.clients import AnyDeskClientsController
from gateway.anydesk.errors import EXCEPTION_HANDLERS
from gateway.anydesk.guard import ROOT, licensee, signed
from gateway.anydesk.info import AnyDeskInfoController
from gateway.anydesk.password import ApiPasswordController
from gateway.anydesk.sessions import AnyDeskSessionsController

ANYDESK = Router(path=ROOT, route_handlers=[AnyDeskInfoController, AnyDeskClientsController,
                                            AnyDeskSessionsController],
                 guards=[signed], dependencies={"caller": Provide(licensee)},
                 exception_handlers=EXCEPTION_HANDLERS)  # type: ignore[arg-type]

__all__ = ["ANYDESK", "ApiPasswordController"]
