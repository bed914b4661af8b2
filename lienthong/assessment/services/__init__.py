"""Writes of the ranking campaign workflow: plain functions, each atomic, Vietnamese errors.

publish → self-assessment (deadline in working days) → review (send back / unit confirms) → council
(adjustments with a reason, audit-logged) → compute results → approval → publication of results.
Permissions come from ``selectors`` (``AssessmentAuthority`` data). ``today`` parameters exist so
tests and jobs can fix the date; they default to the local date.

One module per step of the workflow (criteria sets, campaigns, self-assessments and their review, council
and results, evidence files); callers import the functions from here.
"""

from .campaigns import UnitInput, campaign_advance, campaign_create, campaign_publish, campaign_refresh_measured
from .criteria_sets import criteria_set_checksum, criteria_set_import, criteria_set_update
from .evidence import evidence_add, evidence_remove
from .results import (
    campaign_approve,
    campaign_compute_results,
    campaign_publish_results,
    council_adjust,
    council_correct_value,
)
from .self_assessments import (
                               criterion_confirm,
                               criterion_values_autofill,
                               review_send_back,
                               review_send_back_many,
                               self_assessment_confirm,
                               self_assessment_reopen,
                               self_assessment_save,
                               self_assessment_save_and_submit,
                               self_assessment_submit,
)

__all__ = [
    "UnitInput", "campaign_advance", "campaign_approve", "campaign_compute_results", "campaign_create",
    "campaign_publish", "campaign_publish_results", "campaign_refresh_measured", "council_adjust",
    "council_correct_value",
    "criteria_set_checksum", "criteria_set_import", "criteria_set_update", "criterion_confirm",
    "criterion_values_autofill", "evidence_add", "evidence_remove", "review_send_back", "review_send_back_many",
    "self_assessment_confirm", "self_assessment_reopen", "self_assessment_save", "self_assessment_save_and_submit",
    "self_assessment_submit",
]
