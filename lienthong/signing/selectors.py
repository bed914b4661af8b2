"""Reads of the signing app: who signs with which credential and who may manage which; the trust material
verification runs against; the stored verifications and what documents' headers, lists and statistics say
of their signatures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from lienthong.accounts.models import Role
from lienthong.accounts.selectors import agency_ids_for
from lienthong.agencies.models import Agency
from lienthong.documents.models import Direction, Document, DocumentFile, DocumentStatus
from lienthong.signing.models import (
    Credential,
    FileVerification,
    RevocationList,
    TrustedCertificate,
    VerificationStatus,
)

# ==================================================================================================
# Credentials and trust store
# ==================================================================================================


def credential_for_user(user) -> Credential | None:
    """The person's active personal credential (the newest), or None."""
    return Credential.objects.filter(user=user, active=True).order_by("-created_at", "-pk").first()


def credential_for_agency(agency) -> Credential | None:
    """The agency's active credential (the newest), or None. ``agency`` may be an Agency or its id."""
    agency_id = getattr(agency, "pk", agency)
    return Credential.objects.filter(agency_id=agency_id, active=True).order_by("-created_at", "-pk").first()


def credentials_of_user(user) -> QuerySet[Credential]:
    return Credential.objects.filter(user=user).defer("pkcs12").order_by("-active", "-created_at")


def managed_agency_ids(*, user) -> QuerySet | None:
    """Subquery of the agencies whose credentials ``user`` manages (where they are văn thư); None means
    every agency (system administrators)."""
    if getattr(user, "is_system_admin", False):
        return None
    return agency_ids_for(user=user, roles=[Role.CLERK])


def user_can_manage_agency_credentials(*, user, agency_id: int | None) -> bool:
    ids = managed_agency_ids(user=user)
    return True if ids is None else ids.filter(agency_id=agency_id).exists()


def managed_agencies(*, user) -> QuerySet:
    """The agencies whose credentials ``user`` manages, each annotated with its active credential
    (``credential_id``, ``credential_subject``, ``credential_not_after``, ``credential_custody``): one query."""
    active = Credential.objects.filter(agency_id=OuterRef("pk"), active=True).order_by("-created_at", "-pk")
    qs = Agency.objects.filter(is_active=True)
    ids = managed_agency_ids(user=user)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.annotate(
        credential_id=Subquery(active.values("pk")[:1]),
        credential_subject=Subquery(active.values("subject")[:1]),
        credential_not_after=Subquery(active.values("not_after")[:1]),
        credential_custody=Subquery(active.values("custody")[:1]),
    ).order_by("name")


def credential_may_view_image(*, user, credential: Credential) -> bool:
    if credential.user_id is not None:
        return credential.user_id == user.pk
    return user_can_manage_agency_credentials(user=user, agency_id=credential.agency_id)


def expires_soon(credential: Credential | None, *, now: dt.datetime | None = None) -> int | None:
    """Days until ``credential`` expires when that is within the warning window (negative: expired)."""
    if credential is None:
        return None
    now = now or timezone.now()
    days = (credential.not_after - now).days
    return days if days <= settings.SIGNING_CERT_EXPIRY_WARNING_DAYS else None


def trusted_certificates() -> QuerySet[TrustedCertificate]:
    return TrustedCertificate.objects.defer("der").order_by("-active", "kind", "subject")


def revocation_lists() -> QuerySet[RevocationList]:
    return RevocationList.objects.defer("der").order_by("issuer", "-this_update")


# ==================================================================================================
# Verification
# ==================================================================================================

# Statuses that make a file "failing" in lists (the inbox flag): something is wrong with a signature.
FAILING_STATUSES = (VerificationStatus.INVALID, VerificationStatus.UNTRUSTED)


@dataclass(frozen=True)
class TrustMaterial:
    roots: tuple[bytes, ...]
    intermediates: tuple[bytes, ...]
    crls: tuple[bytes, ...]
    agency_fingerprints: frozenset[str]
    personal_fingerprints: frozenset[str]
    test_fingerprints: frozenset[str] = frozenset()  # CA certificates marked as test CAs

    def as_kwargs(self) -> dict:
        return {"trust_roots": list(self.roots), "intermediates": list(self.intermediates),
                "crls": list(self.crls), "known_agency_fingerprints": set(self.agency_fingerprints),
                "known_personal_fingerprints": set(self.personal_fingerprints),
                "test_fingerprints": set(self.test_fingerprints)}


_trust_cache: dict = {}


def _trust_version() -> tuple:
    """A cheap key that changes whenever the trust store, the CRLs or the registered credentials do."""
    t = TrustedCertificate.objects.filter(active=True).aggregate(n=Count("pk"), s=Sum("pk"), m=Max("pk"),
                                                                 test=Sum("pk", filter=Q(is_test=True)))
    r = RevocationList.objects.aggregate(n=Count("pk"), s=Sum("pk"), m=Max("pk"))
    c = Credential.objects.aggregate(n=Count("pk"), s=Sum("pk"), a=Count("pk", filter=Q(active=True)))
    return tuple(t.values()) + tuple(r.values()) + tuple(c.values())


def trust_material() -> TrustMaterial:
    """The active roots and intermediates, the CRLs and the fingerprints of registered credentials,
    cached per process until one of them changes."""
    key = _trust_version()
    cached = _trust_cache.get("material")
    if cached and cached[0] == key:
        return cached[1]
    certs = list(TrustedCertificate.objects.filter(active=True).values_list("kind", "der", "is_test", "fingerprint"))
    creds = list(Credential.objects.values_list("kind", "fingerprint"))
    material = TrustMaterial(
        roots=tuple(bytes(der) for kind, der, _t, _f in certs if kind == "root"),
        intermediates=tuple(bytes(der) for kind, der, _t, _f in certs if kind != "root"),
        test_fingerprints=frozenset(fp for _k, _d, is_test, fp in certs if is_test),
        crls=tuple(bytes(der) for der in RevocationList.objects.values_list("der", flat=True)),
        agency_fingerprints=frozenset(fp for kind, fp in creds if kind == "agency"),
        personal_fingerprints=frozenset(fp for kind, fp in creds if kind == "personal"),
    )
    _trust_cache["material"] = (key, material)
    return material


def verification_of(*, stored_file_id: int) -> FileVerification | None:
    """The stored verification of one file with its signatures (two queries), or None."""
    return (FileVerification.objects.filter(stored_file_id=stored_file_id)
            .prefetch_related("signatures").first())


def verifications_for(*, stored_file_ids) -> dict[int, FileVerification]:
    """Verifications of several files keyed by stored file id (two queries)."""
    rows = FileVerification.objects.filter(stored_file_id__in=list(stored_file_ids)).prefetch_related("signatures")
    return {v.stored_file_id: v for v in rows}


def document_has_failing_file(document_ref: str = "document_id") -> Exists:
    """Expression for annotations: a file of the document (``OuterRef(document_ref)``) whose signatures
    failed verification. Lets a list page flag rows without one query per row."""
    return Exists(FileVerification.objects.filter(stored_file__uses__document_id=OuterRef(document_ref),
                                                  status__in=FAILING_STATUSES))


def document_verification_problems(*, document_id: int) -> list[FileVerification]:
    """The failing verifications of a document's files, in file order (what a return reason quotes)."""
    ids = list(DocumentFile.objects.filter(document_id=document_id).order_by("order", "pk")
               .values_list("stored_file_id", flat=True))
    found = verifications_for(stored_file_ids=ids)
    return [found[i] for i in dict.fromkeys(ids) if i in found and found[i].status in FAILING_STATUSES]


def documents_signed_by_both(*, document_ids) -> set[int]:
    """Documents among ``document_ids`` with a file that carries a valid personal and a valid agency
    signature, none of them from a test CA (QĐ 28/2018: test certificates have no legal value); one query."""
    return set(DocumentFile.objects.filter(
        document_id__in=list(document_ids), stored_file__verification__personal_valid=True,
        stored_file__verification__agency_valid=True, stored_file__verification__test_authority=False)
        .values_list("document_id", flat=True).distinct())


def document_has_valid_signature(document_ref: str = "pk") -> Exists:
    """Expression for annotations: a file of the document (``OuterRef(document_ref)``) whose signatures all
    verified valid, from a CA that is not a test CA (what statistics count as "signed and valid")."""
    return Exists(DocumentFile.objects.filter(document_id=OuterRef(document_ref),
                                              stored_file__verification__status=VerificationStatus.VALID,
                                              stored_file__verification__test_authority=False))


def document_signature_state(*, document_id: int) -> str:
    """What the document's header says of its signatures beside ``Document.legally_valid``: ``pending``
    while a PDF of the document has not been verified yet (the job runs after the upload's transaction),
    ``test_authority`` when a file verified valid but from a test CA, else ``""`` (one query)."""
    rows = list(DocumentFile.objects.filter(document_id=document_id, stored_file__kind="pdf")
                .values_list("stored_file__verification__status", "stored_file__verification__test_authority"))
    if any(status is None for status, _test in rows):
        return "pending"
    if any(status == VerificationStatus.VALID and test for status, test in rows):
        return "test_authority"
    return ""


# --- Statistics for oversight (QĐ 28/2018) ---------------------------------------------------------

@dataclass
class AgencySignatureStats:
    agency_id: int
    agency_name: str
    issued: int
    issued_legally_valid: int
    received: int
    received_signed_valid: int

    @property
    def issued_share(self) -> float | None:
        return self.issued_legally_valid / self.issued if self.issued else None

    @property
    def received_share(self) -> float | None:
        return self.received_signed_valid / self.received if self.received else None


def signature_statistics(*, agency_ids=None, start: dt.date, end: dt.date) -> list[AgencySignatureStats]:
    """Per agency, for documents issued (outgoing, by issue date) and received (incoming, by date of
    arrival) between ``start`` and ``end`` inclusive: how many, how many issued documents are legally
    valid electronic documents, how many received ones arrived with a valid signature (a test CA's does not
    count). Withdrawn and cancelled documents are not counted. Two queries whatever the number of agencies."""
    signed_valid = document_has_valid_signature("pk")
    issued = Q(direction=Direction.OUTGOING, issued_on__gte=start, issued_on__lte=end)
    received = Q(direction=Direction.INCOMING, received_on__gte=start, received_on__lte=end)
    docs = (Document.objects.exclude(status__in=[DocumentStatus.CANCELLED, DocumentStatus.WITHDRAWN])
            .filter(issued | received))
    agencies = Agency.objects.filter(is_external=False)
    if agency_ids is not None:
        ids = sorted({int(a) for a in agency_ids})
        docs = docs.filter(agency_id__in=ids)
        agencies = agencies.filter(pk__in=ids)
    rows = (docs.annotate(signed_valid=signed_valid).values("agency_id").order_by()
            .annotate(issued=Count("pk", filter=issued),
                      issued_legally_valid=Count("pk", filter=issued & Q(legally_valid=True)),
                      received=Count("pk", filter=received),
                      received_signed_valid=Count("pk", filter=received & Q(signed_valid=True))))
    by_agency: dict[int, Any] = {r["agency_id"]: r for r in rows}
    out = []
    for agency_id, name in agencies.order_by("name", "pk").values_list("pk", "name"):
        r = by_agency.get(agency_id, {})
        out.append(AgencySignatureStats(
            agency_id=agency_id, agency_name=name, issued=r.get("issued", 0),
            issued_legally_valid=r.get("issued_legally_valid", 0), received=r.get("received", 0),
            received_signed_valid=r.get("received_signed_valid", 0)))
    return out


def verification_counts() -> dict[str, int]:
    """Verified files by result (valid, invalid, untrusted, unsigned…), every result named: for /metrics."""
    counts = dict(FileVerification.objects.values("status").annotate(n=Count("pk")).order_by()
                  .values_list("status", "n"))
    return {str(status): counts.get(status, 0) for status in VerificationStatus.values}
