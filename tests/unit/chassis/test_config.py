from chassis.config import ServiceConfig, database_name
from chassis.db import service_uri


def test_each_service_gets_its_own_database_derived_from_the_uri():
    assert database_name("mongodb://h:27017/acme?x=1", "booking") == "acme_booking"
    assert database_name("mongodb://h:27017/", "roster") == "relais_roster"
    assert database_name("mongodb://h/acme", "records", prefix="t1") == "t1_records"


def test_the_service_uri_points_at_its_database_and_keeps_the_auth_database():
    uri = service_uri("mongodb://u:p@h:27017/acme?retryWrites=false", "acme_booking")
    assert uri == "mongodb://u:p@h:27017/acme_booking?retryWrites=false&authSource=acme"
    assert service_uri("mongodb://h/?retryWrites=false", "relais_x").startswith(
        "mongodb://h/relais_x?"
    )


def test_config_reads_environment_variables():
    config = ServiceConfig.from_env(
        "booking",
        {
            "MONGODB_URI": "mongodb://db:27017/relais",
            "AMQP_URL": "amqp://u:p@mq:5672//",
            "RELAIS_RETRY_DELAYS": "0.5, 2",
            "RELAIS_MAX_ATTEMPTS": "6",
            "LOG_LEVEL": "debug",
        },
    )
    assert config.database == "relais_booking"
    assert config.bus.url == "amqp://u:p@mq:5672//"
    assert config.bus.retry_delays == (0.5, 2.0)
    assert config.bus.max_attempts == 6
    assert config.log_level == "DEBUG"
    assert not config.bus.in_memory
