"""`relais seed`, as the local services mode runs it, with built-in login and under OIDC.

The command runs in its own process beside the services' workers (here in the
test's process, on the in-memory transport), as `relais up` runs it.  Under an
external identity provider the staff accounts live there: the command still loads
every service's demo data and succeeds, and makes no gateway account.
"""

import os
import subprocess
import sys

import pymongo
import pytest

from gateway.auth import keys
from relais import services

OIDC = {
    "OIDC_ISSUER": "https://idp.example",
    "OIDC_JWKS_URL": "https://idp.example/jwks",
    "OIDC_AUDIENCE": "relais-api",
}


@pytest.fixture
def workers(make_config):
    """Every service's worker, relaying and consuming the seed's events."""
    running = [services.build_worker(name, make_config(name)) for name in services.SEED_ORDER]
    for worker in running:
        worker.start()
    yield
    for worker in running:
        worker.stop()


def run_seed(mongo_uri, db_prefix, **extra) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "MONGODB_URI": mongo_uri,
        "MONGODB_DB_PREFIX": db_prefix,
        "AMQP_URL": "memory://",
        "RELAIS_EXCHANGE": f"{db_prefix}.events",
        "LOG_LEVEL": "WARNING",
        **extra,
    }
    for name in OIDC:
        if name not in extra:
            env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "relais.cli", "seed"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def staff_and_sites(mongo_uri, db_prefix) -> tuple[int, int]:
    with pymongo.MongoClient(mongo_uri, retryWrites=False) as client:
        staff = client[f"{db_prefix}_gateway"]["staff"].count_documents({})
        sites = client[f"{db_prefix}_roster"]["sites"].count_documents({})
    return staff, sites


@pytest.mark.parametrize("oidc", [False, True], ids=["built-in login", "oidc"])
def test_seed_loads_the_demo_and_makes_accounts_only_for_the_built_in_login(
    workers, mongo_uri, db_prefix, tmp_path, oidc
):
    key = tmp_path / "jwt.pem"
    keys.load_or_create(key)
    login = OIDC if oidc else {"JWT_PRIVATE_KEY_FILE": str(key)}
    done = run_seed(mongo_uri, db_prefix, **login)
    assert done.returncode == 0, done.stderr[-2000:]
    staff, sites = staff_and_sites(mongo_uri, db_prefix)
    assert sites > 0
    for name in services.SEED_ORDER:
        assert f"{name}: demo data loaded" in done.stdout
    if oidc:
        assert staff == 0
        assert "identity provider https://idp.example" in done.stdout
        assert "account " not in done.stdout
    else:
        assert staff > 0
        assert "account " in done.stdout
