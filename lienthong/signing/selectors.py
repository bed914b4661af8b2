"""Reads of the signing app.

Sections (append, do not rewrite another's):
- credentials and trust store — who signs with which credential, who may manage which;
- verification — (below the credentials section).
"""

from __future__ import annotations

# ==================================================================================================
# Credentials and trust store
# ==================================================================================================
import datetime as dt

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from lienthong.signing.models import Credential, RevocationList, TrustedCertificate


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
    from lienthong.accounts.models import Role
    from lienthong.accounts.selectors import agency_ids_for

    if getattr(user, "is_system_admin", False):
        return None
    return agency_ids_for(user=user, roles=[Role.CLERK])


def user_can_manage_agency_credentials(*, user, agency_id: int) -> bool:
    ids = managed_agency_ids(user=user)
    return True if ids is None else ids.filter(agency_id=agency_id).exists()


def managed_agencies(*, user) -> QuerySet:
    """The agencies whose credentials ``user`` manages, each annotated with its active credential
    (``credential_id``, ``credential_subject``, ``credential_not_after``, ``credential_custody``): one query."""
    from lienthong.agencies.models import Agency

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
# Verification (helper B appends below)
# ==================================================================================================
