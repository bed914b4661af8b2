"""The administration site (issue 18, 8): titled for the product, every model and field named in Vietnamese, the
models grouped by the task an administrator comes for."""

from __future__ import annotations

import lxml.html
import pytest
from django.contrib import admin
from django.utils import translation

from lienthong.accounts.services import user_create
from lienthong.core.admin_site import SITE_HEADER, TASK_GROUPS
from lienthong.testing.builders import PASSWORD

pytestmark = pytest.mark.django_db
# Apps whose field names are still English this round: their models are being changed on other branches
# (issue 18), and a second migration of the same models would collide; next in line.
NOT_YET: set[str] = set()


def test_admin_index_is_titled_grouped_by_task_and_vietnamese(client):
    client.force_login(user_create(username="quantri", password=PASSWORD, full_name="Quản trị",
                                   is_system_admin=True))
    response = client.get("/quan-tri/")
    html = response.content.decode()
    doc = lxml.html.fromstring(html)
    assert str(SITE_HEADER) in doc.xpath("//title")[0].text_content()
    assert "Django" not in doc.xpath("//title")[0].text_content() + doc.xpath("//header")[0].text_content()
    sections = [" ".join(c.text_content().split()) for c in doc.xpath("//div[@id='content-main']//caption")]
    expected = [str(name) for name, _apps in TASK_GROUPS]
    assert sections == [s for s in expected if s in sections] and len(sections) >= 5
    for english in ("Failed tasks", "Outbox messages", "Revocation lists", "Assignments", "Handlings",
                    "Scheduled tasks"):
        assert english not in html


def test_every_model_and_field_in_the_admin_has_a_vietnamese_name():
    untranslated = []
    with translation.override("vi"):
        for model in admin.site._registry:
            meta = model._meta
            if meta.app_label in NOT_YET or not meta.app_config.name.startswith("lienthong."):
                continue
            if "verbose_name" not in meta.original_attrs:
                untranslated.append(f"{meta.label}")
            for f in meta.concrete_fields:
                if not f.auto_created and str(f.verbose_name) == f.name.replace("_", " "):
                    untranslated.append(f"{meta.label}.{f.name}")
    assert untranslated == []
