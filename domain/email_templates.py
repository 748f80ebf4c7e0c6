"""The text of every e-mail the portal sends, in English, German, Spanish and French.

Parameters a template names in braces are filled in when the e-mail is queued; secret ones (a reset link, a
new password, a code) stay as `{name}` placeholders in the stored text and are filled in only by the mailer,
at send time (`fill_secrets`).

    welcome            (name)                        the login is the address the mail goes to
    password_reset     reset_url, (expires_minutes)  usually with secret_params=("reset_url",)
    new_password       password                      usually with secret_params=("password",)
    verification_code  code, (expires_minutes)       the code a customer reads to the help desk
    notice             subject, message              any other notice to an account
    support_access     staff, until, reason          staff started acting in the account (impersonation)

Names in parentheses are optional.
"""

import string
from collections.abc import Mapping

import msgspec

from domain.errors import RuleViolation

LANGUAGES = ("en", "de", "es", "fr")
DEFAULTS = {"expires_minutes": {"password_reset": "60", "invitation": "60", "verification_code": "10"}}
IMPLICIT = frozenset({"email", "name", "expires_minutes"})  # filled in here when not given
SIGNATURE = {"en": "Your Portal team", "de": "Ihr Portal-Team", "es": "El equipo de Portal",
             "fr": "L'équipe Portal"}
GREETING = {"en": ("Hello {name},", "Hello,"), "de": ("Hallo {name},", "Hallo,"),
            "es": ("Hola, {name}:", "Hola:"), "fr": ("Bonjour {name},", "Bonjour,")}


class Template(msgspec.Struct, frozen=True):
    subject: str
    body: str


T = Template
TEMPLATES: dict[str, dict[str, Template]] = {
    "welcome": {
        "en": T("Welcome to Portal", "Your Portal account is ready. Log in with {email}."),
        "de": T("Willkommen bei Portal", "Ihr Portal-Konto ist bereit. Melden Sie sich mit {email} an."),
        "es": T("Bienvenido a Portal", "Su cuenta de Portal está lista. Inicie sesión con {email}."),
        "fr": T("Bienvenue sur Portal", "Votre compte Portal est prêt. Connectez-vous avec {email}."),
    },
    "invitation": {
        "en": T("You have been invited to Portal",
                "A Portal login was created for {email}. To choose your password, open this link within "
                "{expires_minutes} minutes:\n\n{reset_url}\n\nThe link works once; when it has expired, ask for a "
                "new one with \"Forgot password\"."),
        "de": T("Einladung zu Portal",
                "Für {email} wurde ein Portal-Zugang angelegt. Um Ihr Passwort zu wählen, öffnen Sie diesen Link "
                "innerhalb von {expires_minutes} Minuten:\n\n{reset_url}\n\nDer Link gilt nur einmal; danach "
                "fordern Sie mit „Passwort vergessen“ einen neuen an."),
        "es": T("Invitación a Portal",
                "Se creó un acceso a Portal para {email}. Para elegir su contraseña, abra este enlace en los "
                "próximos {expires_minutes} minutos:\n\n{reset_url}\n\nEl enlace sirve una sola vez; después, "
                "pida uno nuevo con «Olvidé mi contraseña»."),
        "fr": T("Invitation à Portal",
                "Un accès Portal a été créé pour {email}. Pour choisir votre mot de passe, ouvrez ce lien dans "
                "les {expires_minutes} minutes :\n\n{reset_url}\n\nLe lien ne sert qu'une fois ; ensuite, "
                "demandez-en un nouveau avec « Mot de passe oublié »."),
    },
    "password_reset": {
        "en": T("Reset your Portal password",
                "Someone asked to reset the password of {email}. To choose a new one, open this link within "
                "{expires_minutes} minutes:\n\n{reset_url}\n\nThe link works once. If you did not ask for "
                "it, ignore this e-mail: your password stays as it is."),
        "de": T("Portal-Passwort zurücksetzen",
                "Für {email} wurde ein neues Passwort angefordert. Öffnen Sie diesen Link innerhalb von "
                "{expires_minutes} Minuten:\n\n{reset_url}\n\nDer Link gilt nur einmal. Wenn Sie das nicht "
                "angefordert haben, ignorieren Sie diese E-Mail: Ihr Passwort bleibt unverändert."),
        "es": T("Restablezca su contraseña de Portal",
                "Alguien pidió restablecer la contraseña de {email}. Para elegir una nueva, abra este enlace "
                "en los próximos {expires_minutes} minutos:\n\n{reset_url}\n\nEl enlace sirve una sola vez. "
                "Si no lo pidió usted, ignore este correo: su contraseña no cambia."),
        "fr": T("Réinitialisez votre mot de passe Portal",
                "Quelqu'un a demandé à réinitialiser le mot de passe de {email}. Pour en choisir un nouveau, "
                "ouvrez ce lien dans les {expires_minutes} minutes :\n\n{reset_url}\n\nLe lien ne sert "
                "qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail."),
    },
    "new_password": {
        "en": T("Your new Portal password",
                "An administrator reset the password of {email}. Your new password is:\n\n{password}\n\n"
                "Please log in and change it."),
        "de": T("Ihr neues Portal-Passwort",
                "Ein Administrator hat das Passwort von {email} zurückgesetzt. Ihr neues Passwort lautet:"
                "\n\n{password}\n\nBitte melden Sie sich an und ändern Sie es."),
        "es": T("Su nueva contraseña de Portal",
                "Un administrador restableció la contraseña de {email}. Su nueva contraseña es:\n\n"
                "{password}\n\nInicie sesión y cámbiela."),
        "fr": T("Votre nouveau mot de passe Portal",
                "Un administrateur a réinitialisé le mot de passe de {email}. Votre nouveau mot de passe "
                "est :\n\n{password}\n\nConnectez-vous et changez-le."),
    },
    "verification_code": {
        "en": T("Your Portal verification code",
                "Your verification code is {code}. It is valid for {expires_minutes} minutes. Read it to "
                "our support only when you called us yourself."),
        "de": T("Ihr Portal-Bestätigungscode",
                "Ihr Bestätigungscode lautet {code}. Er gilt {expires_minutes} Minuten. Nennen Sie ihn "
                "unserem Support nur, wenn Sie selbst angerufen haben."),
        "es": T("Su código de verificación de Portal",
                "Su código de verificación es {code}. Vale durante {expires_minutes} minutos. Díctelo a "
                "nuestro soporte solo si nos llamó usted."),
        "fr": T("Votre code de vérification Portal",
                "Votre code de vérification est {code}. Il est valable {expires_minutes} minutes. Ne le "
                "communiquez à notre support que si vous nous avez appelés vous-même."),
    },
    "notice": {language: T("{subject}", "{message}") for language in LANGUAGES},
    "support_access": {
        "en": T("Support is accessing your Portal account",
                "{staff} of our support team is working in your account until {until} (UTC). Reason given: "
                "{reason}\n\nYou see every access in your account's access list, and you can end it there."),
        "de": T("Der Support greift auf Ihr Portal-Konto zu",
                "{staff} aus unserem Support arbeitet bis {until} (UTC) in Ihrem Konto. Angegebener Grund: "
                "{reason}\n\nJeden Zugriff sehen Sie in der Zugriffsliste Ihres Kontos; dort können Sie ihn "
                "auch beenden."),
        "es": T("El soporte está accediendo a su cuenta de Portal",
                "{staff}, de nuestro equipo de soporte, trabaja en su cuenta hasta las {until} (UTC). Motivo "
                "indicado: {reason}\n\nCada acceso figura en la lista de accesos de su cuenta, donde también "
                "puede terminarlo."),
        "fr": T("Le support accède à votre compte Portal",
                "{staff}, de notre équipe de support, travaille dans votre compte jusqu'à {until} (UTC). "
                "Motif indiqué : {reason}\n\nChaque accès figure dans la liste des accès de votre compte, "
                "où vous pouvez aussi y mettre fin."),
    },
}


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def one_line(text: str) -> str:
    """A subject is one header line: no line breaks can smuggle in other headers."""
    return " ".join(text.split())


def render(template: str, language: str, to: str, params: Mapping[str, str],
           secret_params: tuple[str, ...]) -> tuple[str, str]:
    """The subject and body of an e-mail, secrets left as `{name}` placeholders (their values are not read)."""
    by_language = TEMPLATES.get(template)
    if by_language is None:
        raise RuleViolation(f"Unknown e-mail template {template!r}", field="template")
    text = by_language.get(language) or by_language["en"]
    wanted = fields(text.subject) | fields(text.body)
    if unknown := set(secret_params) - wanted:
        raise RuleViolation(f"The template {template!r} has no {', '.join(sorted(unknown))}", field="params")
    missing = wanted - IMPLICIT - set(secret_params) - {k for k, v in params.items() if v}
    if missing:
        raise RuleViolation(f"The template {template!r} needs {', '.join(sorted(missing))}", field="params")
    defaults = {name: per_template[template] for name, per_template in DEFAULTS.items()
                if template in per_template}
    values = {**defaults, "email": to, **{k: str(v) for k, v in params.items() if k not in secret_params},
              **{name: "{" + name + "}" for name in secret_params}}
    with_name, without = GREETING.get(language, GREETING["en"])
    greeting = with_name.format(name=values["name"]) if values.get("name") else without
    signature = SIGNATURE.get(language, SIGNATURE["en"])
    body = f"{greeting}\n\n{text.body.format_map(values)}\n\n{signature}\n"
    return one_line(text.subject.format_map(values)), body


def fill_secrets(text: str, secrets: Mapping[str, str]) -> str:
    """The text with each secret placeholder replaced by its value (at send time, never stored)."""
    for name, value in secrets.items():
        text = text.replace("{" + name + "}", value)
    return text
