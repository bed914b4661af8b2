"""Legal validity of electronic documents (QĐ 28/2018/QĐ-TTg; NĐ30 Art. 5; vanthu.md §2.3 "Legal validity
of electronic documents" and §7 rules 4–5): a document is a legally valid electronic document only when the
competent person's and the agency's digital signatures are valid under the law on digital signatures — a
signature whose certificate chains to a test certificate authority (the demo's CA, a supplier's test CA)
never is, however intact; and the flag is never silently missing while the signatures are still being checked."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.urls import reverse
from django.utils.html import escape

from lienthong.delivery import services as delivery_services
from lienthong.delivery.models import Delivery
from lienthong.documents.models import DocumentFile
from lienthong.signing import credentials, verification
from lienthong.signing import selectors as signing_selectors
from lienthong.signing.credentials.trust_store import TEST_CA_MARK_AUDIT
from lienthong.signing.models import TEST_AUTHORITY_LABEL, FileVerification
from lienthong.signing.tests import signed_pdfs as sp
from lienthong.signing.tests.test_verification_ui import LEGAL_BADGE, TODAY, api_document, issue
from lienthong.signing.views import MARKED_AS_TEST_CA

pytestmark = pytest.mark.django_db

TEST_CA_LABEL = str(TEST_AUTHORITY_LABEL)
# Template wording (signing/_legal_validity.html, signing/verification_panel.html), not messages of the Python
# code: kept as literals, like "CA thử nghiệm" looked for in the page head's test-authority badge.
PENDING = "Đang kiểm tra chữ ký số"
TEST_CA_SIGNATURE = "Hợp lệ (CA thử nghiệm)"


@pytest.fixture(scope="module")
def p_pki():
    return sp.test_pki()


@pytest.fixture(scope="module")
def signed(p_pki):
    return sp.two_signatures(p_pki, text="Bao cao ky bang CA thu nghiem")


def text(el) -> str:
    return " ".join(el.text_content().split())


def document_page(client, doc):
    return lxml.html.fromstring(client.get(reverse("documents:detail", args=[doc.pk])).content.decode())


def test_signatures_under_a_test_ca_root_are_valid_from_a_test_authority_and_never_legally_valid(
        client, province, p_pki, signed, django_capture_on_commit_callbacks):
    """vanthu.md §2.3 (legal validity, NĐ30 Art. 5) and §7 rule 4; QĐ 28/2018: a test CA's signatures do
    not make a document legally valid — shown as valid signatures from a test authority."""
    # The administrator uploads the supplier's root to the trust store, marked as a test CA.
    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=True)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert not doc.legally_valid
    v = FileVerification.objects.get(stored_file__uses__document=doc)
    assert v.status == "valid" and v.personal_valid and v.agency_valid and v.test_authority
    assert [s.test_authority for s in v.signatures.all()] == [True, True]

    client.force_login(province.users["clerk.xa"])
    html = document_page(client, doc)
    head = text(html.xpath("//div[@class='doc-head']")[0])
    assert LEGAL_BADGE not in head and "CA thử nghiệm" in head
    [panel] = html.xpath("//div[contains(@class,'verification-panel')]")
    assert TEST_CA_LABEL in text(panel.xpath("h3")[0])
    assert [text(h) for h in panel.xpath(".//div[contains(@class,'signature')]/h4/span")] == [
        TEST_CA_SIGNATURE, TEST_CA_SIGNATURE]
    body = api_document(client, doc)
    assert body["legally_valid"] is False
    assert body["files"][0]["verification"]["test_authority"] is True
    assert body["files"][0]["verification"]["status_label"] == TEST_CA_LABEL

    # The recipient registers it: still not legally valid, and it does not count as "signed and valid".
    with django_capture_on_commit_callbacks(execute=True):
        incoming = delivery_services.delivery_register(
            actor=province.users["clerk.huyen"], delivery_id=Delivery.objects.get(document=doc).pk, today=TODAY)
    incoming.refresh_from_db()
    assert not incoming.legally_valid
    stats = {s.agency_id: s for s in signing_selectors.signature_statistics(
        start=dt.date(2018, 1, 1), end=dt.date(2018, 12, 31))}
    xa, huyen = stats[province.agencies["xa"].pk], stats[province.agencies["huyen"].pk]
    assert (xa.issued, xa.issued_legally_valid) == (1, 0)
    assert (huyen.received, huyen.received_signed_valid) == (1, 0)


def test_the_same_signatures_under_a_root_not_marked_test_are_legally_valid(
        client, province, p_pki, signed, django_capture_on_commit_callbacks):
    """vanthu.md §2.3 (NĐ30 Art. 5); QĐ 28/2018: the control — a trusted root that is not a test CA."""
    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=False)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert doc.legally_valid
    assert not FileVerification.objects.get(stored_file__uses__document=doc).test_authority
    client.force_login(province.users["clerk.xa"])
    head = text(document_page(client, doc).xpath("//div[@class='doc-head']")[0])
    assert LEGAL_BADGE in head and "CA thử nghiệm" not in head


def test_an_intermediate_marked_test_under_a_real_root_is_a_test_authority(
        province, p_pki, signed, django_capture_on_commit_callbacks):
    """QĐ 28/2018: a test CA anywhere on the chain (here the intermediate) takes the legal value away."""
    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=False)
    credentials.trusted_certificate_add(actor=None, data=p_pki.ca.der, is_test=True)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert not doc.legally_valid
    assert FileVerification.objects.get(stored_file__uses__document=doc).test_authority


def test_a_document_issued_before_the_worker_ran_shows_that_its_signatures_are_being_checked(
        client, province, p_pki, signed, django_capture_on_commit_callbacks, monkeypatch):
    """vanthu.md §7 rule 5 (verify signatures); QĐ 28/2018: until the background verification has run,
    the document page says the signatures are being checked instead of silently showing no legal value."""
    from django_q.conf import Conf
    from django_q.models import OrmQ

    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=False)
    monkeypatch.setattr(Conf, "SYNC", False)  # a real queue: the job waits for the worker
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    assert OrmQ.objects.exists()
    stored_ids = list(DocumentFile.objects.filter(document=doc).values_list("stored_file_id", flat=True))
    assert not FileVerification.objects.filter(stored_file_id__in=stored_ids).exists()
    doc.refresh_from_db()
    assert not doc.legally_valid

    client.force_login(province.users["clerk.xa"])
    head = text(document_page(client, doc).xpath("//div[@class='doc-head']")[0])
    assert PENDING in head and LEGAL_BADGE not in head

    # The worker runs the queued job: the flag is set and the page says so.
    verification.files_verify(stored_file_ids=stored_ids)
    doc.refresh_from_db()
    assert doc.legally_valid
    head = text(document_page(client, doc).xpath("//div[@class='doc-head']")[0])
    assert LEGAL_BADGE in head and PENDING not in head


def test_usage_statistics_do_not_count_a_test_ca_signature_as_signed_and_valid(
        province, p_pki, signed, django_capture_on_commit_callbacks):
    """QĐ 28/2018 (oversight indicator "share digitally signed and valid"): the monthly usage statistics
    count legally valid issued documents and received documents signed by a CA that is not a test CA."""
    from lienthong.oversight.models import AgencyMonthStats
    from lienthong.oversight.services import usage_stats_refresh

    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=True)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
        delivery_services.delivery_register(
            actor=province.users["clerk.huyen"], delivery_id=Delivery.objects.get(document=doc).pk, today=TODAY)
    usage_stats_refresh(months=[dt.date(2018, 3, 1)])
    xa = AgencyMonthStats.objects.get(agency=province.agencies["xa"], month=dt.date(2018, 3, 1))
    huyen = AgencyMonthStats.objects.get(agency=province.agencies["huyen"], month=dt.date(2018, 3, 1))
    assert (xa.documents_issued, xa.issued_legally_valid) == (1, 0)
    assert (huyen.documents_received, huyen.received_signed_valid) == (1, 0)


def test_results_stored_before_the_marking_are_marked_by_the_migration(
        province, p_pki, signed, django_capture_on_commit_callbacks):
    """QĐ 28/2018: after the upgrade, a document whose stored result came from a test CA's certificate
    no longer carries the legal-validity flag (migration signing 0004)."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("lienthong.signing.migrations.0004_verification_test_authority")
    credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=False)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert doc.legally_valid
    # The intermediate that issued the signers' certificates is a test CA (marked as such by the
    # administrator); results stored before the upgrade do not know it.
    credentials.trusted_certificate_add(actor=None, data=p_pki.ca.der, is_test=True)
    migration.mark_existing_test_authority(apps, None)
    doc.refresh_from_db()
    assert not doc.legally_valid
    v = FileVerification.objects.get(stored_file__uses__document=doc)
    assert v.test_authority and all(s.test_authority for s in v.signatures.all())


def test_marking_a_trusted_root_as_test_ca_on_the_trust_store_page_takes_the_legal_value_away(
        client, province, p_pki, signed, django_capture_on_commit_callbacks):
    """QĐ 28/2018: the administrator marks a root already in the trust store as a test CA; documents it
    made legally valid lose the flag (their files are checked again), and unmarking gives it back."""
    from lienthong.audit.models import AuditEntry
    from lienthong.signing.models import TrustedCertificate

    root = credentials.trusted_certificate_add(actor=None, data=p_pki.root.der, is_test=False)
    with django_capture_on_commit_callbacks(execute=True):
        doc = issue(province, signed)
    doc.refresh_from_db()
    assert doc.legally_valid
    admin = province.users["clerk.ubnd"]
    admin.is_system_admin = True
    admin.save()
    client.force_login(admin)
    url = reverse("signing:trust_toggle", args=[root.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"is_test": "1"}, follow=True)
    assert escape(MARKED_AS_TEST_CA % {"s": root.subject}) in response.content.decode()
    assert TrustedCertificate.objects.get(pk=root.pk).is_test
    assert AuditEntry.objects.filter(object_type="signing.trusted_certificate", object_id=str(root.pk),
                                     summary=TEST_CA_MARK_AUDIT % {"s": root.subject[:300]}).exists()
    doc.refresh_from_db()
    assert not doc.legally_valid
    assert FileVerification.objects.get(stored_file__uses__document=doc).test_authority
    client.force_login(province.users["clerk.xa"])
    head = text(document_page(client, doc).xpath("//div[@class='doc-head']")[0])
    assert "CA thử nghiệm" in head and LEGAL_BADGE not in head

    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"is_test": "0"})
    doc.refresh_from_db()
    assert doc.legally_valid and not FileVerification.objects.get(stored_file__uses__document=doc).test_authority
    # Only system administrators mark CAs.
    client.force_login(province.users["clerk.xa"])
    assert client.post(url, {"is_test": "1"}).status_code == 403
    assert not TrustedCertificate.objects.get(pk=root.pk).is_test
