"""The Files tab's rules: custom clients for the tiers that include them, up to the tier's maximum, their
settings checked against the catalog; the builder's outcomes; staff publishing software releases."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypedDict
from uuid import UUID, uuid4

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from domain.catalog import ADVANCED_OPTIONS, CATALOG, PLATFORMS
from domain.custom_client import CustomClient
from domain.custom_client_quota import CustomClientQuota
from domain.errors import InvalidValue, NotFound, UpgradeRequired
from domain.release import Release, require_newer
from domain.store import PortalStore, now
from domain.text import plain_text
from domain.user_commands import PLATFORM_ACCOUNT
from domain.i18n import N_

DIRECTIONS = ("incoming", "outgoing", "both")
MAX_NAME, MAX_PROGRAM_NAME = 100, 64
NOT_IN_PROGRAM_NAMES = set('/\\:*?"<>|')  # it becomes a file and folder name on every platform
SETTINGS = ("name", "platform", "direction", "allow_install", "program_name", "options")


def lookup_digest(secret: str) -> str:
    """What the contract and the read model hold of a secret: enough to look it up, never to use it (the whole
    SHA-256, unlike the short fingerprint of `domain.history` that views show of a credential)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Credentials(TypedDict):
    enrollment_secret: str
    enrollment_fingerprint: str
    public_token: str
    public_token_fingerprint: str


def new_credentials() -> Credentials:
    secret, token = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    return Credentials(enrollment_secret=secret, enrollment_fingerprint=lookup_digest(secret),
                       public_token=token, public_token_fingerprint=lookup_digest(token))


def check_text(field: str, value: str, longest: int) -> None:
    if not value.strip() or len(value) > longest:
        raise InvalidValue(N_("{field}: from 1 to {longest} characters"), field=field, longest=longest)
    plain_text(value, field)  # the one rule for free text (domain/text.py)


def check_option(key: str, value: Any) -> None:
    option = ADVANCED_OPTIONS.get(key)
    if option is None:
        raise InvalidValue(N_("{key} is not an advanced option a custom client may set; the allowed ones are "
                                "{allowed}"), field=f"options.{key}", key=repr(key),
                           allowed=", ".join(sorted(ADVANCED_OPTIONS)))
    if option.kind == "bool":
        fits, wanted = isinstance(value, bool), N_("{key} ({meaning}) takes true or false")
    elif option.kind == "int":
        fits = isinstance(value, int) and not isinstance(value, bool) and option.minimum <= value <= option.maximum
        wanted = N_("{key} ({meaning}) takes a whole number from {minimum} to {maximum}")
    else:
        fits, wanted = value in option.choices, N_("{key} ({meaning}) takes one of {choices}")
    if not fits:
        raise InvalidValue(wanted, field=f"options.{key}", key=key, meaning=option.meaning, minimum=option.minimum,
                           maximum=option.maximum, choices=", ".join(option.choices))


def check_platform(platform: str) -> None:
    if platform not in PLATFORMS:
        raise InvalidValue(N_("Unknown platform {platform}; choose one of {platforms}"), field="platform",
                           platform=repr(platform), platforms=", ".join(PLATFORMS))


def check_settings(settings: dict[str, Any]) -> None:
    check_text("name", settings["name"], MAX_NAME)
    check_platform(settings["platform"])
    if settings["direction"] not in DIRECTIONS:
        raise InvalidValue(N_("The connection type is one of {directions}"), field="direction",
                           directions=", ".join(DIRECTIONS))
    check_text("program_name", settings["program_name"], MAX_PROGRAM_NAME)
    if NOT_IN_PROGRAM_NAMES & set(settings["program_name"]):
        raise InvalidValue(N_("The program name may not hold any of / \\ : * ? \" < > |"), field="program_name")
    for key, value in settings["options"].items():
        check_option(key, value)


class FileCommands(PortalStore):
    def custom_client(self, account_id: UUID, custom_client_id: UUID) -> CustomClient:
        client = self._owned(CustomClient, custom_client_id, account_id)
        if client.deleted:
            raise NotFound(N_("No such custom client"))
        return client

    def current_version(self, platform: str) -> str:
        try:
            release: Release = self.repository.get(Release.id_for(platform))
        except AggregateNotFoundError:
            return PLATFORMS[platform].version
        return release.current

    def prefix(self, account_id: UUID, platform: str) -> str:
        """`ad_<namespace or customer number>`, and `ad_…_msi` for MSI packages."""
        base = self.license(account_id).namespace or self.account(account_id).customer_number
        return f"ad_{base}_msi" if platform == "windows-msi" else f"ad_{base}"

    def create_custom_client(self, account_id: UUID, *, name: str, platform: str, direction: str,
                             allow_install: bool, program_name: str, public: bool,
                             options: dict[str, Any]) -> tuple[UUID, int]:
        tier = self.license(account_id).effective_tier(now())
        if not tier.custom_clients:
            needed = " or ".join(p.name for p in CATALOG if p.custom_clients)
            raise UpgradeRequired(N_("Custom clients come with the {needed} license; the account has {tier}"),
                                  needed=needed, tier=tier.name)
        settings: dict[str, Any] = {"name": name, "platform": platform, "direction": direction,
                                    "allow_install": allow_install, "program_name": program_name, "options": options}
        check_settings(settings)
        custom_client_id = uuid4()

        def work() -> list[Aggregate]:
            quota = self._quota(account_id)
            quota.hold(custom_client_id, tier)
            client = CustomClient(account_id=account_id, custom_client_id=custom_client_id, public=public,
                                  prefix=self.prefix(account_id, platform), release=self.current_version(platform),
                                  generation=1, **settings, **new_credentials())
            return [quota, client]
        return custom_client_id, self._transact(account_id, work)

    def change_custom_client(self, account_id: UUID, custom_client_id: UUID, changes: dict[str, Any]) -> int:
        """Any of the creation fields; a change to the package's settings requests a new build."""
        def work() -> list[Aggregate]:
            client = self.custom_client(account_id, custom_client_id)
            settings = {**client.settings(), **{k: v for k, v in changes.items() if k in SETTINGS}}
            check_settings(settings)
            platform = settings["platform"]
            client.change(settings, self.prefix(account_id, platform), self.current_version(platform))
            if "public" in changes:
                client.make_public(changes["public"])
            return [client]
        return self._transact(account_id, work)

    def regenerate_public_link(self, account_id: UUID, custom_client_id: UUID) -> int:
        def work() -> list[Aggregate]:
            client = self.custom_client(account_id, custom_client_id)
            client.regenerate_link(generation=client.generation + 1, release=self.current_version(client.platform),
                                   **new_credentials())
            return [client]
        return self._transact(account_id, work)

    def delete_custom_client(self, account_id: UUID, custom_client_id: UUID) -> int:
        """Its links and its enrollment secret stop working; its slot in the tier's maximum is freed."""
        def work() -> list[Aggregate]:
            client = self.custom_client(account_id, custom_client_id)
            client.delete()
            quota = self._quota(account_id)
            quota.release(custom_client_id)
            return [client, quota]
        return self._transact(account_id, work)

    def _quota(self, account_id: UUID) -> CustomClientQuota:
        try:
            return self._owned(CustomClientQuota, CustomClientQuota.id_for(account_id), account_id)
        except NotFound:
            return CustomClientQuota(account_id=account_id)

    # -- the builder's part ---------------------------------------------------------------------------------

    def request_rebuild(self, account_id: UUID, custom_client_id: UUID, release: str) -> int:
        return self._build_step(account_id, custom_client_id, lambda c: c.request_rebuild(release))

    def start_build(self, account_id: UUID, custom_client_id: UUID, generation: int) -> int:
        return self._build_step(account_id, custom_client_id, lambda c: c.start_build(generation))

    def finish_build(self, account_id: UUID, custom_client_id: UUID, generation: int, *, version: str,
                     sha256: str, size: int, object_name: str, built_at: datetime) -> int:
        return self._build_step(account_id, custom_client_id, lambda c: c.finish_build(
            generation, version, sha256, size, object_name, built_at))

    def fail_build(self, account_id: UUID, custom_client_id: UUID, generation: int, reason: str) -> int:
        return self._build_step(account_id, custom_client_id, lambda c: c.fail_build(generation, reason))

    def _build_step(self, account_id: UUID, custom_client_id: UUID, step: Callable[[CustomClient], None]) -> int:
        """Deleted meanwhile, superseded or already settled: records nothing (builds are redelivered)."""
        return self._change(CustomClient, custom_client_id, account_id, step)

    def release_software(self, platform: str, version: str) -> int:
        """Staff publish a newer version for a platform; the builder rebuilds its custom clients."""
        check_platform(platform)

        def work() -> list[Aggregate]:
            try:
                release: Release = self.repository.get(Release.id_for(platform))
            except AggregateNotFoundError:
                require_newer(platform, PLATFORMS[platform].version, version)
                return [Release(account_id=PLATFORM_ACCOUNT, platform=platform, version=version)]
            release.publish(version)
            return [release]
        return self._transact(PLATFORM_ACCOUNT, work)
