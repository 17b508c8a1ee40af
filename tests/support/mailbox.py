"""A real SMTP server for tests (aiosmtpd on a free port), keeping what it receives."""

from __future__ import annotations

import email
import email.policy
import logging
import re
from dataclasses import dataclass, field

import pytest

from chassis.secantus import free_port
from chassis.testing.waiting import wait_until


@dataclass
class Mailbox:
    url: str
    messages: list = field(default_factory=list)  # email.message.EmailMessage, as received

    def to(self, address: str) -> list:
        return [m for m in self.messages if address in m["To"]]

    def code_for(self, address: str, timeout: float = 5.0) -> str:
        """The last one-time code sent to ``address``."""
        assert wait_until(lambda: self.to(address), timeout=timeout), f"no mail to {address}"
        body = self.to(address)[-1].get_content()
        return re.search(r"\b(\d{6})\b", body).group(1)


class _Keeper:
    def __init__(self, mailbox: Mailbox):
        self.mailbox = mailbox

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mailbox.messages.append(message)
        return "250 Message accepted"


@pytest.fixture
def mailbox():
    """``Mailbox(url, messages)``: an SMTP server on 127.0.0.1 for this test."""
    from aiosmtpd.controller import Controller

    port = free_port()
    box = Mailbox(url=f"smtp://127.0.0.1:{port}")
    controller = Controller(_Keeper(box), hostname="127.0.0.1", port=port)
    # the stand-in's own debug lines hold the whole message: they are not Relais's logs
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
