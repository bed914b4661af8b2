"""Background jobs of the assessment app (django-q2): thin wrappers that call the app's code."""

from lienthong.assessment import reminders


def send_self_assessment_reminders() -> int:
    """Daily (registered in AssessmentConfig.ready): remind the units whose self-assessment is due."""
    return reminders.self_assessment_reminders()
