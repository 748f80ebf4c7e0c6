"""The Portal application: every command the gateway may call, composed from one command class per area."""

from domain.account_commands import AccountCommands
from domain.anydesk_commands import AnyDeskCommands
from domain.customer_commands import CustomerCommands
from domain.domain_commands import DomainCommands
from domain.email_commands import EmailCommands
from domain.files_commands import FileCommands
from domain.helpdesk_commands import HelpDeskCommands
from domain.impersonation_commands import ImpersonationCommands
from domain.license_commands import LicenseCommands
from domain.session_commands import SessionCommands
from domain.support_commands import SupportCommands
from domain.user_commands import UserCommands, normalised_email

__all__ = ["Portal", "normalised_email"]  # gateway/auth.py takes normalised_email from here


class Portal(HelpDeskCommands, AccountCommands, LicenseCommands, UserCommands, SessionCommands, CustomerCommands,
             ImpersonationCommands, SupportCommands, EmailCommands, FileCommands, AnyDeskCommands,
             DomainCommands):
    """Every command of the portal; each area's commands live in domain/<area>_commands.py."""
