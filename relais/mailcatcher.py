"""Embedded mode's mail catcher: a local SMTP server keeping each message as a file.

With no ``SMTP_URL``, `make run` starts one on 127.0.0.1 and points the services
at it, so what patients would receive (their sign-in codes) can be read under
``var/mail/`` (one ``.eml`` file per message) instead of going nowhere.
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path

from chassis.secantus import free_port


class _Keep:
    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}.eml"
        (self.folder / name).write_bytes(envelope.content)
        return "250 Message kept"


class MailCatcher:
    def __init__(self, folder: Path):
        self.folder = folder
        self.controller = None

    def start(self) -> MailCatcher:
        from aiosmtpd.controller import Controller

        self.folder.mkdir(parents=True, exist_ok=True)
        # aiosmtpd logs each session, and the message itself at debug level: a sign-in code
        # must never reach a log line, whatever LOG_LEVEL says
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller = Controller(_Keep(self.folder), hostname="127.0.0.1", port=free_port())
        self.controller.start()
        return self

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.controller.port}"

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
