"""A package's values as plain JSON data: the keys of ``../shared/interop/edxml/expected.jsonl`` first, then more
(``manage.py edxml show --json``, and the summary line of ``manage.py edxml validate``)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from .model import DocumentPackage, StatusPackage


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def package_values(package: DocumentPackage | StatusPackage) -> dict[str, Any]:
    if isinstance(package, StatusPackage):
        return {
            "message_type": "status",
            "from_organ_id": package.sender.organ_id,
            "response_for_document_id": package.response_for.document_id,
            "status_code": package.status_code,
            "timestamp": package.timestamp.isoformat() if package.timestamp else None,
            # more than expected.jsonl has
            "from_organ_name": package.sender.name,
            "response_for_organ_id": package.response_for.organ_id,
            "response_for_code": package.response_for.code,
            "response_for_promulgation_date": _date(package.response_for.promulgation_date),
            "description": package.description,
            "staff": package.staff.staff,
        }
    return {
        "message_type": "edoc",
        "from_organ_id": package.sender.organ_id,
        "to_organ_ids": [organ.organ_id for organ in package.recipients],
        "document_id": package.document_id,
        "code_number": package.code_number,
        "code_notation": package.code_notation,
        "promulgation_date": _date(package.promulgation_date),
        "doc_type_name": package.type_name,
        "subject": package.subject,
        "priority": package.priority,
        "steering_type": package.steering_type,
        "bussiness_doc_type": package.business_doc_type,
        "attachment_names": [attachment.name for attachment in package.attachments],
        "nonstandard_attachment_names": list(package.nonstandard_attachment_names),
        # more than expected.jsonl has
        "from_organ_name": package.sender.name,
        "to_organ_names": [organ.name for organ in package.recipients],
        "doc_type": package.type,
        "doc_type_detail": package.type_detail,
        "business_document_id": package.business_document_id,
        "due_date": _date(package.due_date),
        "signer_name": package.signer_name,
        "has_signature": package.has_signature,
        "attachments": [
            {"name": a.name, "content_type": a.content_type, "size": len(a.data),
             "sha256": hashlib.sha256(a.data).hexdigest(), **({"error": a.error} if a.error else {})}
            for a in package.attachments
        ],
        "recovered": package.recovered,
        "problems": list(package.problems),
    }
