import os

import pytest

# The developer's own settings must not leak into the tests.
for _name in [n for n in os.environ if n.startswith("RUNTIME_HUB_") and not n.startswith("RUNTIME_HUB_TEST_")]:
    del os.environ[_name]


@pytest.fixture
def spans():
    """The SDK configured with an in-memory transport; restored afterwards."""
    from runtime_hub.testing import capture_spans

    with capture_spans(service="unit") as transport:
        yield transport


@pytest.fixture(autouse=True, scope="session")
def _quiet_exit():
    """Clients the unit tests replaced would report their (deliberate) drops at exit."""
    yield
    from runtime_hub import _runtime

    _runtime._retired.clear()
    _runtime.STATE.client = None
