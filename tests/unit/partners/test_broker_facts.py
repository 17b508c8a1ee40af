"""What the partners service reads from the broker: its vhost, whether quorum queues exist."""

import pytest

from services.partners.broker_admin import ManagementApi, Rabbitmqctl, broker_admin, vhost_of
from services.partners.topology import BrokerServer, queue_type


@pytest.mark.parametrize(
    ("url", "vhost"),
    [
        ("amqp://guest:guest@127.0.0.1:5672//", "/"),
        ("amqp://guest:guest@127.0.0.1:5672", "/"),
        ("amqp://guest:guest@127.0.0.1:5672/", "/"),
        ("amqp://u:p@rabbit:5672/relais", "relais"),
        ("amqp://u:p@rabbit:5672/%2Frelais", "/relais"),
        ("amqps://u:p@rabbit/cpts%20creuse", "cpts creuse"),
        ("memory://", "/"),
    ],
)
def test_the_vhost_is_the_one_the_amqp_url_names(url, vhost):
    assert vhost_of(url) == vhost


def test_both_admin_paths_set_permissions_on_the_vhost_they_are_given():
    api = ManagementApi("http://127.0.0.1:1", "admin", "secret", vhost="/relais")
    assert api.permissions_path("partner.a") == "/permissions/%2Frelais/partner.a"
    assert Rabbitmqctl(vhost="relais").permissions_args("u", "^$", "^$", "^q$") == [
        "set_permissions", "-p", "relais", "u", "^$", "^$", "^q$"
    ]  # fmt: skip


def test_broker_admin_hands_its_vhost_to_the_path_it_picks():
    # nothing listens on port 1: the rabbitmqctl path is taken (it is installed here)
    admin = broker_admin({"RABBITMQ_MANAGEMENT_URL": "http://127.0.0.1:1"}, vhost="relais")
    assert isinstance(admin, Rabbitmqctl) and admin.vhost == "relais"


@pytest.mark.parametrize(
    ("product", "version", "supported"),
    [
        ("RabbitMQ", "3.10.8", True),
        ("RabbitMQ", "3.8.0", True),
        ("RabbitMQ", "4.0.5", True),
        ("RabbitMQ", "3.13.0-rc.2", True),
        ("RabbitMQ", "3.7.28", False),
        ("RabbitMQ", "", False),
        ("LavinMQ", "1.2.0", False),
        (None, None, False),
    ],
)
def test_quorum_queues_are_supported_from_rabbitmq_3_8(product, version, supported):
    properties = {"product": product, "version": version} if product else {}
    assert BrokerServer.from_properties(properties).supports_quorum_queues is supported


@pytest.mark.parametrize(
    ("configured", "version", "expected"),
    [
        ("quorum", "3.10.8", "quorum"),
        ("quorum", "3.7.28", "classic"),  # asked for, but the broker has none
        ("classic", "3.10.8", "classic"),  # the operator's explicit choice wins
        ("", "3.10.8", "quorum"),
    ],
)
def test_the_partner_queue_type_follows_the_broker_unless_classic_is_asked_for(
    configured, version, expected
):
    server = BrokerServer.from_properties({"product": "RabbitMQ", "version": version})
    assert queue_type(server, configured) == expected
