import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from accounts.roles import Role
from tests.factories import make_user


@pytest.fixture
def people(world):
    """The world's users with mail addresses, plus the away county's admin (who must never be told of home)."""
    users = world.users
    for user in users.values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    users["away_admin"] = make_user("away_admin", role=Role.REGION_ADMIN, region=world.away.region,
                                    email="away_admin@example.org")
    return users


class Inbox:
    """The server's handler: what it received. `start` and `stop` the server (a new one each start, on one port)."""

    def __init__(self, port):
        self.messages, self.port, self.controller = [], port, None

    def start(self):
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.rcpt_tos, str(message["Subject"]).strip(), message.get_content()))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox(free_port())
    inbox.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", inbox.port, 5
    yield inbox
    inbox.stop()
