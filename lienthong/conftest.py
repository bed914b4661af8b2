import pytest


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


@pytest.fixture
def province(db):
    from lienthong.core.testing import make_province

    return make_province()


@pytest.fixture
def clerk_client(client, province):
    client.force_login(province.users["clerk.vp"])
    return client
