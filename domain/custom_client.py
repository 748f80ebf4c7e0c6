"""A custom client: the remote-desktop software packaged with an account's settings, for one platform.

Every change that needs a new package (settings, a new enrollment secret and link, a new software release)
raises the generation. The builder records the outcome of one generation (building, built or failed); an
outcome for a generation that is already settled or superseded records nothing, so a build request
delivered twice after a crash cannot produce two packages.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from domain.tenant import TenantAggregate

REQUESTED, BUILDING, READY, FAILED = "requested", "building", "ready", "failed"


class CustomClient(TenantAggregate):
    @staticmethod
    def id_for(custom_client_id: UUID) -> UUID:
        return custom_client_id

    @event("Requested")
    def __init__(self, account_id: UUID, custom_client_id: UUID, name: str, platform: str, direction: str,
                 allow_install: bool, program_name: str, options: dict[str, Any], public: bool, prefix: str,
                 release: str, generation: int, enrollment_secret: str, enrollment_fingerprint: str,
                 public_token: str, public_token_fingerprint: str) -> None:
        self.account_id = account_id
        self.custom_client_id = custom_client_id
        self.name, self.platform, self.direction = name, platform, direction
        self.allow_install, self.program_name, self.options = allow_install, program_name, options
        self.public, self.prefix, self.release, self.generation = public, prefix, release, generation
        self.enrollment_secret, self.public_token = enrollment_secret, public_token
        self.status = REQUESTED
        self.failure: str | None = None
        self.built_version: str | None = None  # of the latest package built (`version` is the library's)
        self.sha256: str | None = None
        self.deleted = False

    def settings(self) -> dict[str, Any]:
        return {"name": self.name, "platform": self.platform, "direction": self.direction,
                "allow_install": self.allow_install, "program_name": self.program_name, "options": self.options}

    def change(self, settings: dict[str, Any], prefix: str, release: str) -> None:
        if settings != self.settings():
            self._changed(generation=self.generation + 1, prefix=prefix, release=release, **settings)

    @event("Changed")
    def _changed(self, generation: int, name: str, platform: str, direction: str, allow_install: bool,
                 program_name: str, options: dict[str, Any], prefix: str, release: str) -> None:
        self.name, self.platform, self.direction = name, platform, direction
        self.allow_install, self.program_name, self.options = allow_install, program_name, options
        self.prefix, self.release = prefix, release
        self._requested(generation)

    def _requested(self, generation: int) -> None:
        self.generation, self.status, self.failure = generation, REQUESTED, None

    def make_public(self, public: bool) -> None:
        if public != self.public:
            self._visibility_changed(public=public)

    @event("VisibilityChanged")
    def _visibility_changed(self, public: bool) -> None:
        self.public = public

    @event("LinkRegenerated")
    def regenerate_link(self, generation: int, release: str, enrollment_secret: str, enrollment_fingerprint: str,
                        public_token: str, public_token_fingerprint: str) -> None:
        """A new public link and a new enrollment secret: the old ones stop working, so a new package."""
        self.enrollment_secret, self.public_token, self.release = enrollment_secret, public_token, release
        self._requested(generation)

    def request_rebuild(self, release: str) -> None:
        """For a new software release; once per release, however often it is asked."""
        if not self.deleted and release not in (self.release, self.built_version):
            self._rebuild_requested(generation=self.generation + 1, release=release)

    @event("RebuildRequested")
    def _rebuild_requested(self, generation: int, release: str) -> None:
        self.release = release
        self._requested(generation)

    def is_pending(self, generation: int) -> bool:
        """Is `generation` the current one and not yet built or failed?"""
        return not self.deleted and generation == self.generation and self.status in (REQUESTED, BUILDING)

    def start_build(self, generation: int) -> None:
        if self.is_pending(generation) and self.status == REQUESTED:
            self._build_started(generation=generation)

    @event("BuildStarted")
    def _build_started(self, generation: int) -> None:
        self.status = BUILDING

    def finish_build(self, generation: int, version: str, sha256: str, size: int, object_name: str,
                     built_at: datetime) -> None:
        if self.is_pending(generation):
            self._built(generation=generation, version=version, sha256=sha256, size=size, object_name=object_name,
                        built_at=built_at)

    @event("Built")
    def _built(self, generation: int, version: str, sha256: str, size: int, object_name: str,
               built_at: datetime) -> None:
        self.status, self.built_version, self.sha256 = READY, version, sha256

    def fail_build(self, generation: int, reason: str) -> None:
        if self.is_pending(generation):
            self._build_failed(generation=generation, reason=reason)

    @event("BuildFailed")
    def _build_failed(self, generation: int, reason: str) -> None:
        self.status, self.failure = FAILED, reason

    def delete(self) -> None:
        if not self.deleted:
            self._deleted()

    @event("Deleted")
    def _deleted(self) -> None:
        self.deleted = True
