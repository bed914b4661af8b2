"""API of signature verification: ``POST /api/files/{id}/verify``, the ``verification`` object, and the
file schema that carries it (``DocumentFileOut``, shown by the document and delivery endpoints). Thin: the
service decides who may and what is found. The file schema lives here, not in ``documents``, because the
documents app sits below signing and may not know signature checks."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from ninja import Field, Router, Schema

from lienthong.core.schema_types import Id
from lienthong.signing import selectors, verification
from lienthong.signing.models import verification_label

router = Router(tags=["Chữ ký số"])
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _vn(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(VN) if value else None


class SignatureCheckOut(Schema):
    position: int
    kind: str
    signer_name: str
    organisation: str
    issuer: str
    serial: str
    signing_time: dt.datetime | None
    timestamped: bool
    intact: bool
    trusted: bool
    valid_at_signing: bool
    revocation: str
    modification: str
    coverage: str
    valid: bool
    test_authority: bool
    summary: str


class FileVerificationOut(Schema):
    stored_file_id: int
    status: str
    status_label: str
    signature_count: int
    personal_valid: bool
    agency_valid: bool
    modified_after_signing: bool
    test_authority: bool
    message: str
    verified_at: dt.datetime
    signatures: list[SignatureCheckOut]

    @classmethod
    def of(cls, v) -> FileVerificationOut:
        return cls(
            stored_file_id=v.stored_file_id, status=v.status,
            status_label=verification_label(v.status, v.test_authority),
            signature_count=v.signature_count, personal_valid=v.personal_valid, agency_valid=v.agency_valid,
            modified_after_signing=v.modified_after_signing, test_authority=v.test_authority, message=v.message,
            verified_at=_vn(v.verified_at),
            signatures=[SignatureCheckOut(
                position=s.position, kind=s.kind, signer_name=s.signer_name, organisation=s.organisation,
                issuer=s.issuer, serial=s.serial, signing_time=_vn(s.signing_time), timestamped=s.timestamped,
                intact=s.intact, trusted=s.trusted, valid_at_signing=s.valid_at_signing, revocation=s.revocation,
                modification=s.modification, coverage=s.coverage, valid=s.valid,
                test_authority=s.test_authority, summary=s.summary)
                for s in v.signatures.all()])


class DocumentFileOut(Schema):
    id: int
    filename: str
    size: int
    sha256: str
    content_type: str
    kind: str
    extraction_status: str
    page_count: int | None
    download_url: str
    stored_file_id: int
    verification: FileVerificationOut | None = Field(
        None, description="Kết quả kiểm tra chữ ký số (PDF); null khi chưa kiểm tra")

    @classmethod
    def of(cls, df, *, download_url: str, verification=None) -> DocumentFileOut:
        sf = df.stored_file
        return cls(id=df.pk, filename=df.filename, size=sf.size, sha256=sf.sha256, content_type=sf.content_type,
                   kind=sf.kind, extraction_status=df.extraction_status, page_count=df.page_count,
                   download_url=download_url, stored_file_id=sf.pk,
                   verification=FileVerificationOut.of(verification) if verification else None)


@router.post("/files/{int:stored_file_id}/verify", response=FileVerificationOut, url_name="file_verify",
             summary="Kiểm tra lại chữ ký số của một tệp")
def file_verify(request, stored_file_id: Id):
    """Verify the file's signatures again against the current trust store and CRLs (after an
    administrator added a root, for example) and return the result. The id is the stored file's
    (``stored_file_id`` of a document file); anyone who can see a document or a delivery using the file
    may ask; others get 404."""
    verification.file_reverify(actor=request.auth, stored_file_id=stored_file_id)
    return FileVerificationOut.of(selectors.verification_of(stored_file_id=stored_file_id))
