"""The demo province's test PKI: a clearly marked test CA, a PKCS#12 credential for every leader (and
head of a unit) and for every agency, with signature and seal images. Idempotent.

The CA's keys are kept in ``<VAR_DIR>/demo-pki/`` (PKCS#12, PIN ``DEMO_PIN``) so later runs issue new
people's certificates from the same CA; when those files are missing a new test CA is made and added
to the trust store next to the old one. Nothing here has legal value: every CA name carries
``pki.TEST_MARK``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import transaction
from django.db.models import F

from lienthong.accounts.models import Position, Role
from lienthong.agencies.models import Agency
from lienthong.signing import credentials, pki
from lienthong.signing.credentials import certificate_fields, revocation_list_add, trusted_certificate_add
from lienthong.signing.models import Credential, CredentialKind, Custody, RevocationList, TrustedCertificate
from lienthong.signing.pades import images

DEMO_PIN = "123456"
ROOT_NAME = "Liên Thông Root CA (thử nghiệm)"
CA_NAME = "CA chuyên dùng (thử nghiệm)"


@dataclass
class DemoPkiResult:
    personal_created: int = 0
    agency_created: int = 0
    trusted_created: int = 0
    crl_created: bool = False
    seconds: float = 0.0


def _cut(text: str) -> str:
    """At most 64 UTF-8 bytes (the X.509 upper bound cryptography enforces on names)."""
    return text.encode()[:64].decode(errors="ignore")


def _fit(name: str, short_name: str) -> str:
    """Long agency names fall back to the short name."""
    return name if len(name.encode()) <= 64 else _cut(short_name or name)


def _load_or_make_ca(directory: Path, *, reuse_key: bool):
    root_file, ca_file = directory / "root.p12", directory / "ca.p12"
    if root_file.exists() and ca_file.exists():
        issued = []
        for path in (root_file, ca_file):
            key, cert, _extra = pkcs12.load_key_and_certificates(path.read_bytes(), DEMO_PIN.encode())
            issued.append(pki.Issued(key=key, certificate=cert))
        root, ca = issued
        if ca.certificate.not_valid_after_utc > dt.datetime.now(dt.UTC) + dt.timedelta(days=400):
            return root, ca
    root = pki.make_root(ROOT_NAME, reuse_key=reuse_key)
    ca = pki.make_intermediate(root, CA_NAME, reuse_key=reuse_key)
    directory.mkdir(parents=True, exist_ok=True)
    root_file.write_bytes(root.pkcs12(DEMO_PIN))
    ca_file.write_bytes(ca.pkcs12(DEMO_PIN))
    root_file.chmod(0o600)
    ca_file.chmod(0o600)
    return root, ca


_worker_ca = None


def _init_worker(ca_p12: bytes, reuse_key: bool) -> None:
    global _worker_ca
    key, cert, _extra = pkcs12.load_key_and_certificates(ca_p12, DEMO_PIN.encode())
    _worker_ca = (pki.Issued(key=key, certificate=cert), reuse_key)


def _issue(job) -> tuple[bytes, bytes, bytes]:
    """(PKCS#12 with PIN ``DEMO_PIN``, certificate DER, signature or seal image) for one person or agency (runs in
    a worker)."""
    kind, common_name, name_fields, image_name = job
    ca, reuse_key = _worker_ca
    issued = pki.make_end_entity(ca, common_name, reuse_key=reuse_key, **name_fields)
    image = images.signature_image(image_name) if kind == "personal" else images.seal_image(image_name)
    return issued.pkcs12(DEMO_PIN), issued.der, image


def ensure_demo_pki(*, directory: Path | None = None, reuse_key: bool = False, log=lambda _m: None,
                    user_ids=None, agency_ids=None) -> DemoPkiResult:
    """Create what is missing: the test CA in the trust store, its CRL, a personal credential for every
    active leader position holder without one, an agency credential for every active agency of the
    province without one (PIN ``DEMO_PIN`` everywhere). ``user_ids`` / ``agency_ids`` limit the
    credentials to those people and agencies (tests: images and PKCS#12 files cost ~0.15 s each)."""
    started = time.perf_counter()
    result = DemoPkiResult()
    root, ca = _load_or_make_ca(directory or Path(settings.VAR_DIR) / "demo-pki", reuse_key=reuse_key)
    for issued in (root, ca):
        if not TrustedCertificate.objects.filter(fingerprint=issued.fingerprint).exists():
            trusted_certificate_add(actor=None, data=issued.der, is_test=True)
            result.trusted_created += 1
    ca_fingerprint = ca.fingerprint
    latest = RevocationList.objects.filter(issuer_fingerprint=ca_fingerprint).order_by("-this_update").first()
    if latest is None or (latest.next_update and latest.next_update < dt.datetime.now(dt.UTC) + dt.timedelta(days=1)):
        revocation_list_add(actor=None, data=pki.make_crl(ca, days=30))
        result.crl_created = True

    people = {}
    for position in (Position.objects.filter(role=Role.LEADER, is_active=True, user__is_active=True,
                                             agency__is_active=True)
                     .exclude(user__signing_credentials__active=True)
                     .filter(**({"user_id__in": user_ids} if user_ids is not None else {}))
                     .select_related("user", "agency")
                     .order_by("user_id", F("unit_id").asc(nulls_first=True), "agency_id")):
        people.setdefault(position.user_id, position)  # agency-wide positions before unit ones
    agencies = list(Agency.objects.filter(is_active=True, is_external=False,
                                          **({"pk__in": agency_ids} if agency_ids is not None else {}))
                    .exclude(signing_credentials__active=True).order_by("path"))
    log(f"Chứng thư thử nghiệm: {len(people)} người ký, {len(agencies)} cơ quan.")

    fernet = credentials.at_rest_cipher()
    ca_p12 = ca.pkcs12(DEMO_PIN)
    jobs = [("personal", _cut(p.user.full_name or p.user.username), dict(
        organisation=_fit(p.agency.name, p.agency.short_name), unit=_cut(p.title or ""),
        locality=_cut(p.agency.place_name), uid=_cut(f"LT:{p.user.username}")), p.user.full_name or p.user.username)
        for p in people.values()]
    jobs += [("agency", _fit(a.name, a.short_name), dict(organisation=_fit(a.name, a.short_name),
                                                         locality=_cut(a.place_name)), a.name) for a in agencies]
    if reuse_key or len(jobs) < 20:
        _init_worker(ca_p12, reuse_key)
        made = [_issue(job) for job in jobs]
    else:  # RSA key generation dominates: one process per CPU
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(4, os.cpu_count() or 1), mp_context=context, initializer=_init_worker,
                                 initargs=(ca_p12, False)) as pool:
            made = list(pool.map(_issue, jobs, chunksize=8))
    rows = []
    owners = [("personal", p.user) for p in people.values()] + [("agency", a) for a in agencies]
    for (kind, owner), (p12, der, image) in zip(owners, made, strict=True):
        cert = x509.load_der_x509_certificate(der)
        rows.append(Credential(
            kind=CredentialKind.PERSONAL if kind == "personal" else CredentialKind.AGENCY,
            user=owner if kind == "personal" else None, agency=owner if kind == "agency" else None,
            custody=Custody.PKCS12, pkcs12=fernet.encrypt(p12), image=image,
            image_width_mm=35 if kind == "personal" else 36, **certificate_fields(cert)))
    with transaction.atomic():
        Credential.objects.bulk_create(rows, batch_size=200)
    result.personal_created, result.agency_created = len(people), len(agencies)
    result.seconds = time.perf_counter() - started
    return result
