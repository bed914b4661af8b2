import pytest


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"  # never the shared var/ folder
    # Argon2 stays the hasher, with the cheapest parameters: tests create many users.
    settings.PASSWORD_HASHERS = ["lienthong.core.testing.FastArgon2PasswordHasher"]
    # django-q2 reads its configuration once at import: switch the running configuration to synchronous.
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", True)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request in English leaves English active in the thread (LocaleMiddleware): give the next test
    the default language back."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def province(db):
    from lienthong.core.testing import make_province

    return make_province()


@pytest.fixture
def clerk_client(client, province):
    client.force_login(province.users["clerk.vp"])
    return client
