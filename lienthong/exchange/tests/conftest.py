import pytest

from .standin import two_systems


@pytest.fixture
def standin():
    """The local stand-in for VDXP and an LGSP, with two systems registered, on a loopback port."""
    server = two_systems()
    yield server
    server.stop()
