"""A draft's metadata is checked when it is written, not only when the văn thư numbers it (issue 11,
defect 9): the drafting unit's abbreviation becomes part of the ký hiệu (``<cơ quan>-<đơn vị>``), so it
must be one the grammar of shared/domain/vanthu.md §3.2 reads, or the signed draft could not be numbered."""

import json

import pytest

from lienthong.drafting.models import Draft, DraftFile
from lienthong.drafting.services import BAD_UNIT_ABBREVIATION
from lienthong.drafting.tests.test_api import as_user, draft_form, ok

BAD_UNIT = str(BAD_UNIT_ABBREVIATION)


@pytest.mark.parametrize("abbreviation", ["vx", "VX/1", "V X", "VX-", "V\tX"])
def test_a_draft_with_a_malformed_unit_abbreviation_is_refused_and_stores_nothing(province, abbreviation):
    p = province
    response = as_user(p.users["specialist.xa"]).post(
        "/api/drafts", draft_form(p, document_type="cong-van", unit_abbreviation=abbreviation))

    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"unit_abbreviation": [BAD_UNIT]}
    assert not Draft.objects.exists() and not DraftFile.objects.exists()


def test_a_lawful_unit_abbreviation_is_kept_and_a_bad_one_refused_on_update(province):
    p = province
    client = as_user(p.users["specialist.xa"])
    draft = ok(client.post("/api/drafts", draft_form(p, document_type="cong-van", unit_abbreviation=" VX ")), 201)
    assert draft["unit_abbreviation"] == "VX"

    response = client.put(f"/api/drafts/{draft['id']}", json.dumps({
        "document_type": "cong-van", "subject": "V/v sửa", "signer_id": p.users["leader.xa"].pk,
        "unit_abbreviation": "V.X."}), content_type="application/json")

    assert response.status_code == 422
    assert response.json()["errors"] == {"unit_abbreviation": [BAD_UNIT]}
    assert Draft.objects.get().unit_abbreviation == "VX"
