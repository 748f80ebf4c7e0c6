"""Published events of custom clients (the Files tab), their accounts' quota and platform releases.

No secret travels: of the enrollment secret and the public link's token only SHA-256 fingerprints are
published, enough to look either up, never to use it. The builder reads the secret from the event store.
"""

from datetime import datetime
from uuid import UUID

from domain.contract.base import PortalEvent

Options = dict[str, bool | int | str]


class PackageSettings(PortalEvent):
    """What every change of a custom client's settings carries: all its package is built from."""
    aggregate = "custom_client"
    generation: int  # of the package: every change that needs a new build raises it
    name: str
    platform: str
    direction: str  # incoming, outgoing or both
    allow_install: bool
    program_name: str
    options: Options
    prefix: str
    release: str  # the platform's software version when requested


class CustomClientRequested(PackageSettings):
    custom_client_id: UUID
    public: bool
    enrollment_fingerprint: str
    public_token_fingerprint: str


class CustomClientChanged(PackageSettings):
    pass


class CustomClientVisibilityChanged(PortalEvent):
    aggregate = "custom_client"
    public: bool


class CustomClientLinkRegenerated(PortalEvent):
    aggregate = "custom_client"
    generation: int
    release: str
    enrollment_fingerprint: str
    public_token_fingerprint: str


class CustomClientRebuildRequested(PortalEvent):
    aggregate = "custom_client"
    generation: int
    release: str


class CustomClientBuilding(PortalEvent):
    aggregate = "custom_client"
    generation: int


class CustomClientBuilt(PortalEvent):
    aggregate = "custom_client"
    generation: int
    version: str
    sha256: str
    size: int
    object_name: str  # in the JetStream object store PORTAL_PACKAGES
    built_at: datetime


class CustomClientBuildFailed(PortalEvent):
    aggregate = "custom_client"
    generation: int
    reason: str


class CustomClientDeleted(PortalEvent):
    aggregate = "custom_client"


class CustomClientQuotaStarted(PortalEvent):
    aggregate = "license"


class CustomClientSlotTaken(PortalEvent):
    aggregate = "license"
    custom_client_id: UUID


class CustomClientSlotFreed(PortalEvent):
    aggregate = "license"
    custom_client_id: UUID


class SoftwareReleased(PortalEvent):
    aggregate = "release"
    platform: str
    version: str
