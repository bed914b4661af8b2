"""``manage.py edxml validate FILE`` and ``manage.py edxml show FILE [--json] [--recover]``: read one edXML package
with the exchange's own parser (``lienthong.exchange.edxml``) and say whether it would be accepted, or what it
holds. ``validate`` exits 0 with a one-line summary, or 1 with the reasons on stderr; ``show --json`` prints the
values in the keys of ``../shared/interop/edxml/expected.jsonl`` (and a few more)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lienthong.exchange.edxml.model import STATUS_CODES, DocumentPackage, EdxmlError
from lienthong.exchange.edxml.parse import parse_package
from lienthong.exchange.edxml.render import package_values

SUMMARY_DOCUMENT = _("{message_type} {document_id}: {recipients} nơi nhận, {attachments} tệp đính kèm")
SUMMARY_STATUS = _("{message_type} {status_code} về {document_id} từ {sender}")
CANNOT_READ_FILE = _("Không đọc được tệp {path}: {reason}")
UNKNOWN_STATUS = _("Mã trạng thái “{code}” không thuộc QCVN 102 ({allowed}).")
RECOVERED_ONLY = _("Gói tin chỉ đọc được một phần (không hợp lệ):")


def describe(err: EdxmlError) -> str:
    """The error in the user's language: the library keeps the msgid and its values apart."""
    message = gettext(err.template).format(**err.params) if err.params else gettext(err.template)
    return f"{err.path}: {message}" if err.path else message


class Command(BaseCommand):
    help = "Kiểm tra (validate) hoặc xem (show) một gói tin edXML (QCVN 102:2016)."
    requires_system_checks: list[str] = []  # reads a file only; usable where the database is not set up

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="Gói tin có được chấp nhận không; mã thoát 0 hoặc 1.")
        validate.add_argument("file")
        show = sub.add_parser("show", help="Các giá trị đọc được từ gói tin.")
        show.add_argument("file")
        show.add_argument("--json", action="store_true", help="In JSON (các khóa của expected.jsonl).")
        show.add_argument("--recover", action="store_true",
                          help="Đọc phần còn đọc được của gói tin không hợp lệ (để trả lời trạng thái 02).")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(str(CANNOT_READ_FILE).format(path=path, reason=exc.strerror or exc),
                               returncode=1) from None
        if options["action"] == "validate":
            self._validate(data)
        else:
            self._show(data, as_json=options["json"], recover=options["recover"])

    def _validate(self, data: bytes) -> None:
        try:
            package = parse_package(data)
        except EdxmlError as exc:
            raise CommandError(describe(exc), returncode=1) from None
        if isinstance(package, DocumentPackage):
            line = str(SUMMARY_DOCUMENT).format(message_type="edoc", document_id=package.document_id,
                                                recipients=len(package.recipients),
                                                attachments=len(package.attachments))
        else:
            if package.status_code not in STATUS_CODES:
                raise CommandError(str(UNKNOWN_STATUS).format(code=package.status_code,
                                                              allowed=", ".join(STATUS_CODES)), returncode=1)
            line = str(SUMMARY_STATUS).format(message_type="status", status_code=package.status_code,
                                              document_id=package.response_for.document_id,
                                              sender=package.sender.organ_id)
        self.stdout.write(line)

    def _show(self, data: bytes, *, as_json: bool, recover: bool) -> None:
        try:
            package = parse_package(data, recover=recover)
        except EdxmlError as exc:
            raise CommandError(describe(exc), returncode=1) from None
        values = package_values(package)
        if as_json:
            self.stdout.write(json.dumps(values, ensure_ascii=False, indent=2))
        else:
            for key, value in values.items():
                self.stdout.write(f"{key}: {json.dumps(value, ensure_ascii=False)}")
        if isinstance(package, DocumentPackage) and package.problems:
            self.stderr.write(str(RECOVERED_ONLY))
            for problem in package.problems:
                self.stderr.write(f"  {problem}")
