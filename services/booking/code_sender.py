"""Where patients' one-time sign-in codes go: a port, and its SMTP sender.

The codes are the notifications service's to send once it exists; until then
booking sends them itself through this port.  E-mail goes over SMTP
(``SMTP_URL``, e.g. ``smtp://user:pass@host:587?starttls=1``, and ``SMTP_FROM``).
No SMS provider is wired yet, so a code asked for a phone number is refused
plainly (``sms_unavailable``) rather than sent nowhere.

The code is in the message and nowhere else: never logged, never in an event.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qsl, unquote, urlsplit

from chassis.problems import Unavailable


class CodeNotSent(Unavailable):
    """A code (or a notice) that cannot go: no such channel here, or the server failed."""


class CodeSender:
    """The port: send ``code`` to an e-mail address or a phone number.  This base sends
    nothing (no SMTP configured); ``channels`` says which kinds of contact it can reach."""

    channels: frozenset[str] = frozenset()

    def check(self, kind: str) -> None:
        """Refuse plainly, before anything else, a contact this sender cannot reach."""
        if kind not in self.channels:
            if kind == "phone":
                raise CodeNotSent(
                    "sms_unavailable", "sign-in codes cannot be sent by SMS yet: use your e-mail"
                )
            raise CodeNotSent("email_unavailable", "sign-in codes cannot be sent by e-mail here")

    def send_email(self, address: str, code: str, minutes: int) -> None:
        raise CodeNotSent("email_unavailable", "sign-in codes cannot be sent by e-mail here")

    def send_notice(self, address: str, text: str) -> None:
        """A short notice about the account (its sign-in contact changed), by e-mail."""
        raise CodeNotSent("email_unavailable", "notices cannot be sent by e-mail here")

    def send_sms(self, phone: str, code: str, minutes: int) -> None:
        raise CodeNotSent(
            "sms_unavailable", "sign-in codes cannot be sent by SMS yet: use your e-mail"
        )


def message_text(code: str, minutes: int) -> str:
    """The message: French, short, the code and nothing about the patient."""
    return (
        f"Votre code de connexion à Relais : {code}\n\n"
        f"Il est valable {minutes} minutes et ne sert qu'une fois.\n"
        "Ne le communiquez à personne, pas même au centre de santé.\n"
        "Si vous n'avez rien demandé, ignorez ce message.\n"
    )


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    tls: bool
    sender: str

    @classmethod
    def from_url(cls, url: str, sender: str) -> SmtpSettings:
        """``smtp://[user:pass@]host[:port][?starttls=1]`` or ``smtps://…`` (TLS at once)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user:pass@host:587?starttls=1")
        query = dict(parse_qsl(parts.query))
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            starttls=query.get("starttls", "0").lower() in ("1", "true", "yes"),
            tls=tls,
            sender=sender,
        )


class SmtpCodeSender(CodeSender):
    channels = frozenset({"email"})

    def __init__(self, settings: SmtpSettings, timeout: float = 10.0):
        self.settings = settings
        self.timeout = timeout

    def send_email(self, address: str, code: str, minutes: int) -> None:
        self._send(address, "Votre code de connexion Relais", message_text(code, minutes))

    def send_notice(self, address: str, text: str) -> None:
        self._send(address, "Votre espace Relais", text)

    def _send(self, address: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = address
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain=self.settings.sender.rpartition("@")[2] or None)
        message.set_content(text)
        try:
            with self._connect() as smtp:
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            # nothing of the message in the error: it holds the code
            raise CodeNotSent("email_not_sent", "the e-mail could not be sent; try again") from None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.tls:
            return smtplib.SMTP_SSL(
                s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        if s.starttls:
            smtp.starttls(context=ssl.create_default_context())
        return smtp


def sender_from(config) -> CodeSender:
    """The configured sender: SMTP when ``SMTP_URL`` is set, else one that sends nothing."""
    url = config.setting("SMTP_URL", "")
    if not url:
        return CodeSender()
    return SmtpCodeSender(
        SmtpSettings.from_url(url, config.setting("SMTP_FROM", "Relais <no-reply@relais.local>"))
    )
