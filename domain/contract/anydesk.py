"""Published events of the AnyDesk-compatible REST API's credential. No secret, not even encrypted."""

from domain.contract.base import PortalEvent


class AnyDeskCredentialIssued(PortalEvent):
    aggregate = "anydesk"
    license_id: str


class AnyDeskApiPasswordSet(PortalEvent):
    aggregate = "anydesk"
