"""What of an account's license is in use: linked clients (seats), aliases, active session slots.

Every limit of the license is checked here, against this aggregate's own state, so two concurrent requests
cannot both pass: they meet on the event store's version check and the loser retries.
"""

import re
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from domain.catalog import Product
from domain.errors import (ActiveDeviceLimitReached, AliasLimitReached, AliasTaken, InvalidAlias, NotFound,
                           RuleViolation, SeatLimitReached, SessionLimitReached)
from domain.tenant import TenantAggregate
from domain.i18n import N_

ALIAS_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9._-]{0,30}[a-z0-9])?$")


def in_namespace(alias: str, namespace: str) -> str:
    """`name@namespace` checked against the account's own namespace (InvalidAlias naming it otherwise)."""
    name, _, alias_namespace = alias.partition("@")
    if alias_namespace != namespace:
        raise InvalidAlias(N_("Your aliases end in @{namespace}; {alias} is in another namespace"), field="alias",
                           namespace=namespace, alias=repr(alias))
    if not ALIAS_NAME.match(name):
        raise InvalidAlias(N_("An alias reads name@{namespace}, the name of lower-case letters, digits, '.', '_' "
                              "or '-' (2 to 32)"), field="alias", namespace=namespace)
    return alias


class LicenseUsage(TenantAggregate):
    @staticmethod
    def id_for(account_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"portal:license-usage:{account_id}")

    @event("Started")
    def __init__(self, account_id: UUID) -> None:
        self.account_id = account_id
        # Plain dicts and lists: snapshots of this aggregate are stored as JSON.
        self.linked: dict[str, bool] = {}  # client id -> True (an ordered set)
        self.aliases: dict[str, str] = {}  # alias -> client id
        self.sessions: dict[str, list[str]] = {}  # active session id -> [from client, to client]

    # -- seats -------------------------------------------------------------------------------------------

    def link(self, client_id: str, tier: Product) -> None:
        if client_id in self.linked:
            return  # registering again is harmless
        if len(self.linked) >= tier.max_clients:
            raise SeatLimitReached(N_("The {tier} license links at most {most} clients; remove one or upgrade"),
                                   field="client_id", tier=tier.name, most=tier.max_clients)
        self._client_linked(client_id=client_id)

    @event("ClientLinked")
    def _client_linked(self, client_id: str) -> None:
        self.linked[client_id] = True

    def unlink(self, client_id: str, reason: str = "removed") -> None:
        self.require_linked(client_id)
        self._client_unlinked(client_id=client_id, reason=reason)

    @event("ClientUnlinked")
    def _client_unlinked(self, client_id: str, reason: str = "removed") -> None:
        self.linked.pop(client_id, None)
        self.aliases = {a: c for a, c in self.aliases.items() if c != client_id}  # the alias is freed

    def require_linked(self, client_id: str) -> None:
        if client_id not in self.linked:
            raise NotFound(N_("No such client"))

    # -- aliases -----------------------------------------------------------------------------------------

    def alias_of(self, client_id: str) -> str | None:
        return next((a for a, c in self.aliases.items() if c == client_id), None)

    def set_alias(self, client_id: str, alias: str | None, namespace: str | None, tier: Product) -> None:
        self.require_linked(client_id)
        if alias is not None and namespace is not None and "@" not in alias:
            alias = f"{alias}@{namespace}"  # the bare name: the account's own namespace is meant
        if alias == self.alias_of(client_id):
            return
        if alias is not None:
            if namespace is None:
                raise InvalidAlias(N_("Aliases need a custom namespace; buy one on the License tab"), field="alias")
            alias = in_namespace(alias, namespace)
            if alias in self.aliases:
                raise AliasTaken(N_("The alias {alias} belongs to another client"), field="alias", alias=repr(alias))
            if self.alias_of(client_id) is None and len(self.aliases) >= tier.max_aliases:
                raise AliasLimitReached(N_("The {tier} license allows {most} aliases"), field="alias", tier=tier.name,
                                        most=tier.max_aliases)
        self._alias_changed(client_id=client_id, alias=alias)

    @event("AliasChanged")
    def _alias_changed(self, client_id: str, alias: str | None) -> None:
        self.aliases = {a: c for a, c in self.aliases.items() if c != client_id}
        if alias is not None:
            self.aliases[alias] = client_id

    # -- sessions ----------------------------------------------------------------------------------------

    def admit_session(self, session_id: str, from_client_id: str, to_client_id: str, tier: Product) -> None:
        if from_client_id == to_client_id:
            raise RuleViolation(N_("A client cannot connect to itself"), field="to_client_id")
        if from_client_id not in self.linked and to_client_id not in self.linked:
            raise RuleViolation(N_("At least one side of a session must be a client linked to this account"),
                                field="from_client_id")
        if len(self.sessions) >= tier.max_concurrent_sessions:
            raise SessionLimitReached(N_("The {tier} license allows {most} concurrent session(s)"), tier=tier.name,
                                      most=tier.max_concurrent_sessions)
        if tier.max_active_devices is not None:
            busy = {c for pair in self.sessions.values() for c in pair if c in self.linked}
            busy |= {c for c in (from_client_id, to_client_id) if c in self.linked}
            if len(busy) > tier.max_active_devices:
                raise ActiveDeviceLimitReached(N_("The {tier} license allows {most} concurrently active devices"),
                                               tier=tier.name, most=tier.max_active_devices)
        self._session_admitted(session_id=session_id, from_client_id=from_client_id, to_client_id=to_client_id)

    @event("SessionAdmitted")
    def _session_admitted(self, session_id: str, from_client_id: str, to_client_id: str) -> None:
        self.sessions[session_id] = [from_client_id, to_client_id]

    def release_session(self, session_id: str) -> None:
        if session_id in self.sessions:
            self._session_released(session_id=session_id)

    @event("SessionReleased")
    def _session_released(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)
