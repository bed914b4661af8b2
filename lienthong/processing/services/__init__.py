"""Writes on incoming documents after arrival (NĐ30 Art. 22–24; vanthu.md §4.2).

register (số đến) → submit to a leader → assign (lead / supporting / for information, each with
its own deadline and instruction) → a unit head hands a unit's part to people → notes and
progress → completion with the reply's number. Every step the sender should know about is
reported back through ``delivery.services.delivery_report`` (04 assigned, 05 in progress, 06 done).

Divided by sub-domain: ``registration`` (entering and leaving the flow), ``assignments`` (the work from
submission to completion), ``printouts`` (their audit entries) and ``reminders`` (the daily job). Callers
import from here.
"""

from lienthong.processing.services.assignments import (
    REPLY_MAX_LENGTH,
    AssignmentSpec,
    assignment_chase,
    assignment_complete,
    assignment_delegate,
    assignment_note,
    handling_assign,
    handling_submit,
)
from lienthong.processing.services.printouts import handling_record_print, tracking_book_record_print
from lienthong.processing.services.registration import (
    handling_close_on_recall,
    handling_open,
    handling_open_for_delivery,
    handling_start,
    incoming_register_paper,
)
from lienthong.processing.services.reminders import send_deadline_reminders

__all__ = [
    "REPLY_MAX_LENGTH", "AssignmentSpec", "assignment_chase", "assignment_complete", "assignment_delegate",
    "assignment_note", "handling_assign", "handling_close_on_recall", "handling_open", "handling_open_for_delivery",
    "handling_record_print", "handling_start", "handling_submit", "incoming_register_paper", "send_deadline_reminders",
    "tracking_book_record_print",
]
