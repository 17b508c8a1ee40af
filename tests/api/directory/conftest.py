import pytest

from services.directory.app import create_app


@pytest.fixture
def directory_app(make_config, issuer):
    return create_app(make_config("directory", jwt_public_key=issuer.public_key_pem))


@pytest.fixture
def client(directory_app):
    return directory_app.test_client()
