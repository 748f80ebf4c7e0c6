"""The text of every e-mail the portal sends: English here, German, Spanish and French in the catalogs
(domain/i18n.py).

Parameters a template names in braces are filled in when the e-mail is queued; secret ones (a reset link, a
new password, a code) stay as `{name}` placeholders in the stored text and are filled in only by the mailer,
at send time (`fill_secrets`).

    welcome            (name)                        the login is the address the mail goes to
    password_reset     reset_url, (expires_minutes)  usually with secret_params=("reset_url",)
    new_password       password                      usually with secret_params=("password",)
    verification_code  code, (expires_minutes)       the code a customer reads to the help desk
    notice             subject, message              any other notice to an account
    support_access     staff, until, reason          staff started acting in the account (impersonation);
                                                     `until` in the account's time zone, named
    support_request    number, subject, category, message   to the help desk: a customer wrote
    support_answer     number, subject, message      to the customer: the help desk answered
    support_view       staff, until, reason          the help desk opened a read-only session on the account
    invoice_issued     number, total, due            with the invoice's PDF attached
    credit_note_issued number, total, original       with the credit note's PDF attached
    payment_failed     number, total, failure, next_attempt
    payment_uncollectible number, total, failure, attempts

Names in parentheses are optional.
"""

import string
from collections.abc import Mapping

import msgspec

from domain.errors import RuleViolation
from domain.i18n import N_, catalog

DEFAULTS = {"expires_minutes": {"password_reset": "60", "invitation": "60", "verification_code": "10"}}
IMPLICIT = frozenset({"email", "name", "expires_minutes"})  # filled in here when not given
SIGNATURE = N_("Your Portal team")
GREETING = (N_("Hello {name},"), N_("Hello,"))  # with a name, without


class Template(msgspec.Struct, frozen=True):
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    "welcome": Template(
        N_("Welcome to Portal"),
        N_("Your Portal account is ready. Log in with {email}.")),
    "invitation": Template(
        N_("You have been invited to Portal"),
        N_("A Portal login was created for {email}. To choose your password, open this link within "
           "{expires_minutes} minutes:\n\n{reset_url}\n\nThe link works once; when it has expired, ask for a "
           "new one with \"Forgot password\".")),
    "password_reset": Template(
        N_("Reset your Portal password"),
        N_("Someone asked to reset the password of {email}. To choose a new one, open this link within "
           "{expires_minutes} minutes:\n\n{reset_url}\n\nThe link works once. If you did not ask for "
           "it, ignore this e-mail: your password stays as it is.")),
    "new_password": Template(
        N_("Your new Portal password"),
        N_("An administrator reset the password of {email}. Your new password is:\n\n{password}\n\n"
           "Please log in and change it.")),
    "verification_code": Template(
        N_("Your Portal verification code"),
        N_("Your verification code is {code}. It is valid for {expires_minutes} minutes. Read it to "
           "our support only when you called us yourself.")),
    "support_access": Template(
        N_("Support is accessing your Portal account"),
        N_("{staff} of our support team is working in your account until {until}. Reason given: "
           "{reason}\n\nYou see every access in your account's access list, and you can end it there.")),
    "support_request": Template(
        N_("Support request {number}: {subject}"),
        N_("The customer wrote about {category} in support request {number}:\n\n{message}")),
    "support_answer": Template(
        N_("Our answer to your support request {number}"),
        N_("Our support team answered your request {number} ({subject}):\n\n{message}\n\nAnswer or close the "
           "request in the portal, under Settings, Support.")),
    "support_view": Template(
        N_("Our help desk is looking at your Portal account"),
        N_("{staff} of our help desk is looking at your account, read only, until {until}. Reason given: "
           "{reason}\n\nYou see every access in your account's access list, and you can end it there; "
           "forbidding help-desk access ends every such session at once.")),
    "invoice_issued": Template(
        N_("Your Portal invoice {number}"),
        N_("Attached is your invoice {number} over {total}, due on {due}.")),
    "credit_note_issued": Template(
        N_("Your Portal credit note {number}"),
        N_("Attached is credit note {number} over {total} for invoice {original}.")),
    "payment_failed": Template(
        N_("Payment of invoice {number} failed"),
        N_("We could not collect {total} for invoice {number} ({failure}). We will try again on {next_attempt}. "
           "Please check your payment method in the portal.")),
    "payment_uncollectible": Template(
        N_("Invoice {number} is overdue"),
        N_("We could not collect {total} for invoice {number} after {attempts} tries ({failure}). Please pay it by "
           "bank transfer, or change your payment method in the portal and contact us.")),
    "notice": Template("{subject}", "{message}"),  # staff's own words, in the language they wrote them
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def one_line(text: str) -> str:
    """A subject is one header line: no line breaks can smuggle in other headers."""
    return " ".join(text.split())


def render(template: str, language: str, to: str, params: Mapping[str, str],
           secret_params: tuple[str, ...]) -> tuple[str, str]:
    """The subject and body of an e-mail, secrets left as `{name}` placeholders (their values are not read)."""
    text = TEMPLATES.get(template)
    if text is None:
        raise RuleViolation(N_("Unknown e-mail template {template}"), field="template", template=repr(template))
    wanted = fields(text.subject) | fields(text.body)
    if unknown := set(secret_params) - wanted:
        raise RuleViolation(N_("The template {template} has no {names}"), field="params", template=repr(template),
                            names=", ".join(sorted(unknown)))
    missing = wanted - IMPLICIT - set(secret_params) - {k for k, v in params.items() if v}
    if missing:
        raise RuleViolation(N_("The template {template} needs {names}"), field="params", template=repr(template),
                            names=", ".join(sorted(missing)))
    defaults = {name: per_template[template] for name, per_template in DEFAULTS.items()
                if template in per_template}
    values = {**defaults, "email": to, **{k: str(v) for k, v in params.items() if k not in secret_params},
              **{name: "{" + name + "}" for name in secret_params}}
    words = catalog(language).gettext
    with_name, without = GREETING
    greeting = words(with_name).format(name=values["name"]) if values.get("name") else words(without)
    body = f"{greeting}\n\n{words(text.body).format_map(values)}\n\n{words(SIGNATURE)}\n"
    return one_line(words(text.subject).format_map(values)), body


def fill_secrets(text: str, secrets: Mapping[str, str]) -> str:
    """The text with each secret placeholder replaced by its value (at send time, never stored)."""
    for name, value in secrets.items():
        text = text.replace("{" + name + "}", value)
    return text
