"""Embedded mode's mail catcher keeps each message as a file, and no log line holds it
(a sign-in code must never be logged, whatever LOG_LEVEL says)."""

import logging
import smtplib
from email.message import EmailMessage

from relais.mailcatcher import MailCatcher


def test_a_caught_message_is_a_file_and_not_a_log_line(tmp_path, caplog):
    catcher = MailCatcher(tmp_path / "mail").start()
    try:
        with caplog.at_level(logging.DEBUG):
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = "a@relais.test", "b@x.fr", "Code"
            message.set_content("Votre code de connexion à Relais : 482915")
            host, port = catcher.url.removeprefix("smtp://").split(":")
            with smtplib.SMTP(host, int(port), timeout=10) as smtp:
                smtp.send_message(message)
    finally:
        catcher.stop()
    (kept,) = (tmp_path / "mail").glob("*.eml")
    assert b"482915" in kept.read_bytes()
    assert not [r for r in caplog.records if "482915" in f"{r.getMessage()} {r.__dict__}"]
