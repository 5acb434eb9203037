import pytest

from .hub import Hub


@pytest.fixture(scope="session")
def hub(tmp_path_factory):
    """One hub for the tests that only need one running (each uses its own service name)."""
    server = Hub(tmp_path_factory.mktemp("hub")).start()
    yield server
    server.stop()


def pytest_collection_modifyitems(items):
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)
