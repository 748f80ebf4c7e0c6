"""What every handler may ask for by name: the application for commands, the read-model pool for queries.

Handlers take `portal: Portal` and `pool: asyncpg.Pool` as typed parameters, so a route leads straight to its
rule (go-to-definition, mypy) instead of through the untyped application state.
"""

import asyncpg
from litestar.datastructures import State
from litestar.di import Provide

from domain.application import Portal
from domain.payments import PROVIDERS, PaymentProvider
from gateway.credentials import KnownTokens


def application(state: State) -> Portal:
    return state.portal


def read_models(state: State) -> asyncpg.Pool:
    return state.pool


def known_tokens(state: State) -> KnownTokens:
    return state.tokens


def payment_provider(state: State) -> PaymentProvider:
    return PROVIDERS[state.settings.payment_provider]()


DEPENDENCIES = {"portal": Provide(application, sync_to_thread=False),
                "pool": Provide(read_models, sync_to_thread=False),
                "tokens": Provide(known_tokens, sync_to_thread=False),
                "payments": Provide(payment_provider, sync_to_thread=False)}
